# The headers this module may use: its own and those of the modules it
# depends on (the build gives it no other include path).
$(O)/obj/common/%.o: USES := common

COMMON_OBJS := $(O)/obj/common/err.o $(O)/obj/common/util.o $(O)/obj/common/fdpass.o \
	       $(O)/obj/common/dl.o $(O)/obj/common/trim.o $(O)/obj/common/capset.o \
	       $(O)/obj/common/timeline.o
LIB_COMMON  := $(O)/lib/libecicommon.a
$(LIB_COMMON): $(COMMON_OBJS)
LIBS += $(LIB_COMMON)
