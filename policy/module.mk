# The headers this module may use: its own and those of the modules it
# depends on (the build gives it no other include path).
$(O)/obj/policy/%.o: USES := policy common

POLICY_OBJS := $(addprefix $(O)/obj/policy/,policy.o tamper.o audit.o engine.o gate.o)
LIB_POLICY  := $(O)/lib/libecipolicy.a
$(LIB_POLICY): $(POLICY_OBJS)
LIBS += $(LIB_POLICY)

# The test build reads $ECI_POLICY_DIR (still checked for ownership); it is
# linked only into programs staged for the test suites, never installed.
$(O)/obj/policy/policy-test.o: policy/policy.c
	@mkdir -p $(@D)
	@echo "  CC      $< (test)"
	@$(CC) $(ALL_CFLAGS) $(INCS) -DECI_POLICY_FROM_ENV -MMD -MP -c -o $@ $<
LIB_POLICY_TEST := $(O)/lib/libecipolicy-test.a
$(LIB_POLICY_TEST): $(addprefix $(O)/obj/policy/,policy-test.o tamper.o audit.o engine.o gate.o)

# make fuzz-policy [FUZZ_SECONDS=60]: libFuzzer on the policy.d parser.
$(O)/fuzz/fuzz_policy: policy/fuzz_policy.c policy/policy.c policy/policy.h common/err.c common/util.c
	@mkdir -p $(@D)
	clang -std=c11 -D_GNU_SOURCE $(WARN) -g -O1 -fsanitize=fuzzer,address,undefined \
	      -fno-sanitize-recover=all -I common -I policy -o $@ \
	      policy/fuzz_policy.c policy/policy.c policy/audit.c policy/tamper.c common/err.c \
	      common/util.c \
	      -ljansson -lcap

fuzz-policy: $(O)/fuzz/fuzz_policy
	@mkdir -p $(O)/fuzz/policy-corpus
	cp policy/fuzz/corpus/* $(O)/fuzz/policy-corpus/
	$(O)/fuzz/fuzz_policy -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=$(O)/fuzz/ \
	      $(O)/fuzz/policy-corpus
.PHONY: fuzz-policy
