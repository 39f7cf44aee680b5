MOUNTS_OBJS := $(addprefix $(O)/obj/mounts/,fs.o dev.o rootfs.o system.o parse.o)
LIB_MOUNTS  := $(O)/lib/libecimounts.a
$(LIB_MOUNTS): $(MOUNTS_OBJS)
LIBS += $(LIB_MOUNTS)
