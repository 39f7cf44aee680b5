# The headers this module may use: its own and those of the modules it
# depends on (the build gives it no other include path).
$(O)/obj/newidmap/%.o: USES := newidmap common policy

SUBID_OBJS   := $(O)/obj/newidmap/subid.o $(O)/obj/newidmap/lease_fmt.o
LIB_SUBID    := $(O)/lib/libsubid.a
$(LIB_SUBID): $(SUBID_OBJS)
LIBS += $(LIB_SUBID)

# Everything of the helper but main(), so that unit tests can call it.
HELPER_OBJS := $(addprefix $(O)/obj/newidmap/,die.o caps.o target.o idfile.o maps.o lease.o)
LIB_HELPER  := $(O)/lib/libecihelper.a
$(LIB_HELPER): $(HELPER_OBJS)
LIBS += $(LIB_HELPER)

$(O)/bin/eci-newidmap: $(O)/obj/newidmap/main.o $(LIB_HELPER) $(O)/lib/libecipolicy.a $(LIB_SUBID) $(LIB_COMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(HELPER_LIBS)

# The helper of the test stage: reads $ECI_POLICY_DIR (still checked).
$(O)/obj/newidmap/main-test.o: newidmap/main.c
	@mkdir -p $(@D)
	@echo "  CC      $< (test)"
	@$(CC) $(ALL_CFLAGS) $(INCS) -DECI_POLICY_FROM_ENV -MMD -MP -c -o $@ $<
$(O)/t/eci-newidmap: $(O)/obj/newidmap/main-test.o $(LIB_HELPER) $(O)/lib/libecipolicy-test.a $(LIB_SUBID) $(LIB_COMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(HELPER_LIBS)
TEST_BINS += $(O)/t/eci-newidmap
BINS += $(O)/bin/eci-newidmap

# make fuzz [FUZZ_SECONDS=60]: libFuzzer on subid_parse().  The committed
# seeds are copied to a scratch corpus under $(O), which collects what the
# fuzzer finds; crash inputs land beside it.  UBSan findings abort, so that
# libFuzzer stops on them too.
FUZZ_SECONDS ?= 60
FUZZ_DIR     := $(O)/fuzz
$(FUZZ_DIR)/fuzz_subid: newidmap/fuzz_subid.c newidmap/subid.c newidmap/subid.h
	@mkdir -p $(@D)
	clang -std=c11 -D_GNU_SOURCE $(WARN) -g -O1 -fsanitize=fuzzer,address,undefined \
	      -fno-sanitize-recover=all -I common -I newidmap -o $@ \
	      newidmap/fuzz_subid.c newidmap/subid.c

fuzz: $(FUZZ_DIR)/fuzz_subid fuzz-policy
	@mkdir -p $(FUZZ_DIR)/corpus
	cp newidmap/fuzz/corpus/* $(FUZZ_DIR)/corpus/
	$(FUZZ_DIR)/fuzz_subid -max_total_time=$(FUZZ_SECONDS) \
	      -artifact_prefix=$(FUZZ_DIR)/ $(FUZZ_DIR)/corpus
.PHONY: fuzz
