NET_OBJS := $(O)/obj/net/link.o $(O)/obj/net/netmode.o
LIB_NET  := $(O)/lib/libecinet.a
$(LIB_NET): $(NET_OBJS)
LIBS += $(LIB_NET)
