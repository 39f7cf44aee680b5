POLICY_OBJS := $(addprefix $(O)/obj/policy/,policy.o tamper.o audit.o)
LIB_POLICY  := $(O)/lib/libecipolicy.a
$(LIB_POLICY): $(POLICY_OBJS)
LIBS += $(LIB_POLICY)

# The test build reads $ECI_POLICY_DIR (still checked for ownership); it is
# linked only into programs staged for the test suites, never installed.
$(O)/obj/policy/policy-test.o: policy/policy.c
	@mkdir -p $(@D)
	@echo "  CC      $< (test)"
	@$(CC) $(ALL_CFLAGS) -DECI_POLICY_FROM_ENV -MMD -MP -c -o $@ $<
LIB_POLICY_TEST := $(O)/lib/libecipolicy-test.a
$(LIB_POLICY_TEST): $(addprefix $(O)/obj/policy/,policy-test.o tamper.o audit.o)
