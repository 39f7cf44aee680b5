SUBID_OBJS   := $(O)/obj/newidmap/subid.o
LIB_SUBID    := $(O)/lib/libsubid.a
$(LIB_SUBID): $(SUBID_OBJS)
LIBS += $(LIB_SUBID)

NEWIDMAP_OBJS := $(addprefix $(O)/obj/newidmap/,main.o caps.o target.o idfile.o maps.o)
$(O)/bin/eci-newidmap: $(NEWIDMAP_OBJS) $(LIB_SUBID) $(LIB_COMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcap
BINS += $(O)/bin/eci-newidmap
