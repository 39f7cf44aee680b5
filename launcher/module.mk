LAUNCHER_OBJS := $(addprefix $(O)/obj/launcher/,cli.o helper.o state.o spec.o container.o child.o init.o nest.o caps.o seccomp.o profile.o user.o tty.o env.o security.o imagecmd.o)
LIB_LAUNCHER  := $(O)/lib/libecilauncher.a
$(LIB_LAUNCHER): $(LAUNCHER_OBJS)
LIBS += $(LIB_LAUNCHER)

# Link order: dependents first.  Spelled out because modules are read in
# name order and some are defined after this one.
ECI_LIBS := $(addprefix $(O)/lib/,libecilauncher.a libecimounts.a libeciimage.a \
	    libecinet.a libsubid.a libecicommon.a)

$(O)/bin/eci-run: $(O)/obj/launcher/main.o $(ECI_LIBS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
BINS += $(O)/bin/eci-run
