# The headers this module may use: its own and those of the modules it
# depends on (the build gives it no other include path).
$(O)/obj/newidmap/%.o: USES := newidmap subid common policy

# The helper's own code; subordinate ids and leases are the subid library's.
HELPER_OBJS := $(addprefix $(O)/obj/newidmap/,die.o caps.o target.o maps.o statedir.o cgroups.o)
HELPER_TAIL := $(O)/lib/libsubid.a $(LIB_COMMON)

$(O)/bin/eci-newidmap: $(O)/obj/newidmap/main.o $(HELPER_OBJS) $(O)/lib/libecipolicy.a $(HELPER_TAIL)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(HELPER_LIBS)

# The helper of the test stage: reads $ECI_POLICY_DIR (still checked).
$(O)/obj/newidmap/main-test.o: newidmap/main.c
	@mkdir -p $(@D)
	@echo "  CC      $< (test)"
	@$(CC) $(ALL_CFLAGS) $(INCS) -DECI_POLICY_FROM_ENV -MMD -MP -c -o $@ $<
$(O)/t/eci-newidmap: $(O)/obj/newidmap/main-test.o $(HELPER_OBJS) $(O)/lib/libecipolicy-test.a \
		$(HELPER_TAIL)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(HELPER_LIBS)
TEST_BINS += $(O)/t/eci-newidmap
BINS += $(O)/bin/eci-newidmap
