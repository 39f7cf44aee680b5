# The headers this module may use: its own and those of the modules it
# depends on (the build gives it no other include path).
$(O)/obj/mounts/%.o: USES := mounts common

MOUNTS_OBJS := $(addprefix $(O)/obj/mounts/,fs.o dev.o rootfs.o system.o parse.o mountflag.o idmap.o)
LIB_MOUNTS  := $(O)/lib/libecimounts.a
$(LIB_MOUNTS): $(MOUNTS_OBJS)
LIBS += $(LIB_MOUNTS)
