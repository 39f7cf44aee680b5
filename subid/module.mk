# The headers this module may use: its own and those of the modules it
# depends on (the build gives it no other include path).
$(O)/obj/subid/%.o: USES := subid common

SUBID_OBJS := $(addprefix $(O)/obj/subid/,subid.o lease_fmt.o idfile.o scan.o lease.o take.o)
LIB_SUBID  := $(O)/lib/libsubid.a
$(LIB_SUBID): $(SUBID_OBJS)
LIBS += $(LIB_SUBID)

# make fuzz [FUZZ_SECONDS=60]: libFuzzer on subid_parse().  The committed
# seeds are copied to a scratch corpus under $(O), which collects what the
# fuzzer finds; crash inputs land beside it.  UBSan findings abort, so that
# libFuzzer stops on them too.
FUZZ_SECONDS ?= 60
FUZZ_DIR     := $(O)/fuzz
$(FUZZ_DIR)/fuzz_subid: subid/fuzz_subid.c subid/subid.c subid/subid.h
	@mkdir -p $(@D)
	clang -std=c11 -D_GNU_SOURCE $(WARN) -g -O1 -fsanitize=fuzzer,address,undefined \
	      -fno-sanitize-recover=all -I common -I subid -o $@ \
	      subid/fuzz_subid.c subid/subid.c

fuzz: $(FUZZ_DIR)/fuzz_subid fuzz-policy
	@mkdir -p $(FUZZ_DIR)/corpus
	cp subid/fuzz/corpus/* $(FUZZ_DIR)/corpus/
	$(FUZZ_DIR)/fuzz_subid -max_total_time=$(FUZZ_SECONDS) \
	      -artifact_prefix=$(FUZZ_DIR)/ $(FUZZ_DIR)/corpus
.PHONY: fuzz
