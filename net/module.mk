# The headers this module may use: its own and those of the modules it
# depends on (the build gives it no other include path).
$(O)/obj/net/%.o: USES := net common

NET_OBJS := $(O)/obj/net/link.o $(O)/obj/net/netmode.o $(O)/obj/net/route.o $(O)/obj/net/drain.o
LIB_NET  := $(O)/lib/libecinet.a
$(LIB_NET): $(NET_OBJS)
LIBS += $(LIB_NET)

# eci-thp.so, preloaded into pasta (net/thp.c): a shared object of its
# own, built without the sanitizers (their runtime must come first in a
# program's libraries, and pasta has none of it).
$(O)/lib/eci/eci-thp.so: net/thp.c
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	@$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -fstack-protector-strong -D_FORTIFY_SOURCE=2 \
	    $(CFLAGS) -fPIC -shared -Wl,-z,relro,-z,now $(LDFLAGS) -o $@ $<
BINS += $(O)/lib/eci/eci-thp.so
