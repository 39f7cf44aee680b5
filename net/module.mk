# The headers this module may use: its own and those of the modules it
# depends on (the build gives it no other include path).
$(O)/obj/net/%.o: USES := net common

NET_OBJS := $(O)/obj/net/link.o $(O)/obj/net/netmode.o $(O)/obj/net/route.o $(O)/obj/net/drain.o
LIB_NET  := $(O)/lib/libecinet.a
$(LIB_NET): $(NET_OBJS)
LIBS += $(LIB_NET)
