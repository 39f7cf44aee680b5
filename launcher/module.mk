# The headers this module may use: its own and those of the modules it
# depends on (the build gives it no other include path).
$(O)/obj/launcher/%.o: USES := launcher core common image mounts net subid policy

LAUNCHER_OBJS := $(addprefix $(O)/obj/launcher/,cli.o state.o spec.o container.o env.o \
		 security.o imagecmd.o volume.o admit.o policycmd.o ops.o doctor.o detach.o manage.o execcmd.o \
		 startcmd.o verbs.o inspect.o cpcmd.o limits.o slotroot.o)
LIB_LAUNCHER  := $(O)/lib/libecilauncher.a
$(LIB_LAUNCHER): $(LAUNCHER_OBJS)
LIBS += $(LIB_LAUNCHER)

# Link order: dependents first.  Spelled out because modules are read in
# name order and some are defined after this one.
ECI_LIBS := $(addprefix $(O)/lib/,libecilauncher.a libecicore.a libecimounts.a libeciimage.a \
	    libecinet.a libecipolicy.a libsubid.a libecicommon.a)

$(O)/bin/eci-run: $(O)/obj/launcher/main.o $(ECI_LIBS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
BINS += $(O)/bin/eci-run

# The same launcher, reading $ECI_POLICY_DIR: staged for the tests only.
$(O)/t/eci-run-policytest: $(O)/obj/launcher/main.o $(O)/lib/libecipolicy-test.a $(ECI_LIBS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $(O)/obj/launcher/main.o $(O)/lib/libecilauncher.a \
	    $(O)/lib/libecicore.a $(O)/lib/libecimounts.a $(O)/lib/libeciimage.a $(O)/lib/libecinet.a \
	    $(O)/lib/libecipolicy-test.a $(O)/lib/libsubid.a $(O)/lib/libecicommon.a $(PKG_LIBS)
TEST_BINS += $(O)/t/eci-run-policytest
