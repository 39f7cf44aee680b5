# The headers this module may use: its own and those of the modules it
# depends on (the build gives it no other include path).
$(O)/obj/newidmap/%.o: USES := newidmap subid common policy

# Everything of the helper but main(), so that unit tests can call it.
HELPER_OBJS := $(addprefix $(O)/obj/newidmap/,die.o caps.o target.o idfile.o maps.o lease.o)
LIB_HELPER  := $(O)/lib/libecihelper.a
$(LIB_HELPER): $(HELPER_OBJS)
LIBS += $(LIB_HELPER)

$(O)/bin/eci-newidmap: $(O)/obj/newidmap/main.o $(LIB_HELPER) $(O)/lib/libecipolicy.a $(O)/lib/libsubid.a $(LIB_COMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(HELPER_LIBS)

# The helper of the test stage: reads $ECI_POLICY_DIR (still checked).
$(O)/obj/newidmap/main-test.o: newidmap/main.c
	@mkdir -p $(@D)
	@echo "  CC      $< (test)"
	@$(CC) $(ALL_CFLAGS) $(INCS) -DECI_POLICY_FROM_ENV -MMD -MP -c -o $@ $<
$(O)/t/eci-newidmap: $(O)/obj/newidmap/main-test.o $(LIB_HELPER) $(O)/lib/libecipolicy-test.a $(O)/lib/libsubid.a $(LIB_COMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(HELPER_LIBS)
TEST_BINS += $(O)/t/eci-newidmap
BINS += $(O)/bin/eci-newidmap
