# The headers this module may use: its own and those of the modules it
# depends on (the build gives it no other include path).
$(O)/obj/runc/%.o: USES := runc core common image mounts net subid policy

# eci-runc: the runc front end of the core; it needs nothing of eci-run's
# (launcher/), only the core and the modules under it.
RUNC_OBJS := $(addprefix $(O)/obj/runc/,main.o config.o create.o state.o log.o exec.o nsjoin.o)
RUNC_LIBS := $(addprefix $(O)/lib/,libecicore.a libecimounts.a libeciimage.a libecinet.a)
RUNC_TAIL := $(addprefix $(O)/lib/,libsubid.a libecicommon.a)
$(O)/bin/eci-runc: $(RUNC_OBJS) $(RUNC_LIBS) $(O)/lib/libecipolicy.a $(RUNC_TAIL)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
BINS += $(O)/bin/eci-runc

# The same runtime, reading $ECI_POLICY_DIR (still checked for ownership):
# staged for the engine tests only (t/engine/run.sh registers it as eci-pol).
$(O)/t/eci-runc-policytest: $(RUNC_OBJS) $(RUNC_LIBS) $(O)/lib/libecipolicy-test.a $(RUNC_TAIL)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
TEST_BINS += $(O)/t/eci-runc-policytest
