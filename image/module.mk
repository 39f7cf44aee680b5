# The headers this module may use: its own and those of the modules it
# depends on (the build gives it no other include path).
$(O)/obj/image/%.o: USES := image common subid

IMAGE_OBJS := $(addprefix $(O)/obj/image/,oci.o unpack.o feed.o write.o store.o import.o rootfs.o cache.o arcload.o cryptoload.o \
	      ref.o pull.o)
LIB_IMAGE  := $(O)/lib/libeciimage.a
$(LIB_IMAGE): $(IMAGE_OBJS)
LIBS += $(LIB_IMAGE)

DEFAULT_IMAGE := $(O)/share/eci/images/default/index.json
$(DEFAULT_IMAGE): image/mkdefault.sh
	@mkdir -p $(O)/share/eci/images
	sh image/mkdefault.sh $(O)/share/eci/images/default
DATA += $(DEFAULT_IMAGE)
