RUNC_OBJS := $(addprefix $(O)/obj/runc/,main.o config.o create.o state.o log.o exec.o)
$(O)/bin/eci-runc: $(RUNC_OBJS) $(O)/lib/libecihelper.a $(ECI_LIBS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $(RUNC_OBJS) $(O)/lib/libecilauncher.a $(O)/lib/libecihelper.a \
	    $(O)/lib/libecimounts.a $(O)/lib/libeciimage.a $(O)/lib/libecinet.a \
	    $(O)/lib/libecipolicy.a $(O)/lib/libsubid.a $(O)/lib/libecicommon.a $(PKG_LIBS)
BINS += $(O)/bin/eci-runc

# The same runtime, reading $ECI_POLICY_DIR (still checked for ownership):
# staged for the engine tests only (t/engine/run.sh registers it as eci-pol).
$(O)/t/eci-runc-policytest: $(RUNC_OBJS) $(O)/lib/libecihelper.a $(O)/lib/libecipolicy-test.a $(ECI_LIBS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $(RUNC_OBJS) $(O)/lib/libecilauncher.a $(O)/lib/libecihelper.a \
	    $(O)/lib/libecimounts.a $(O)/lib/libeciimage.a $(O)/lib/libecinet.a \
	    $(O)/lib/libecipolicy-test.a $(O)/lib/libsubid.a $(O)/lib/libecicommon.a $(PKG_LIBS)
TEST_BINS += $(O)/t/eci-runc-policytest
