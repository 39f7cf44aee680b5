MOUNTS_OBJS := $(O)/obj/mounts/fs.o $(O)/obj/mounts/dev.o $(O)/obj/mounts/rootfs.o
LIB_MOUNTS  := $(O)/lib/libecimounts.a
$(LIB_MOUNTS): $(MOUNTS_OBJS)
LIBS += $(LIB_MOUNTS)
