# More libFuzzer targets (make fuzz): path sanitisers, lease records, seccomp
# profiles.  Each runs FUZZ_SECONDS on a scratch copy of its corpus.
FUZZ_CC := clang -std=c11 -D_GNU_SOURCE -DECI_DATADIR=\"/usr/local/share\" -g -O1 -fsanitize=fuzzer,address,undefined \
	   -fno-sanitize-recover=all -Icommon -Iimage -Imounts -Isubid -Icore -Ipolicy -Inet
$(O)/fuzz/fuzz_path: t/fuzz/fuzz_path.c image/unpack.c image/feed.c image/write.c image/arcload.c image/cryptoload.c common/dl.c \
		mounts/parse.c common/err.c common/util.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(PKG_CFLAGS) -o $@ $^
$(O)/fuzz/fuzz_lease: t/fuzz/fuzz_lease.c subid/lease_fmt.c
	@mkdir -p $(@D)
	$(FUZZ_CC) -o $@ $^
$(O)/fuzz/fuzz_seccomp: t/fuzz/fuzz_seccomp.c core/profile.c core/seccomp.c core/caps.c \
		common/capset.c common/err.c common/util.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(PKG_CFLAGS) -o $@ $^ -lseccomp -ljansson -lcap

$(O)/fuzz/fuzz_config: t/fuzz/fuzz_config.c runc/config.c runc/log.c runc/nsjoin.c runc/state.c core/cgroup.c core/caps.c core/seccomp.c \
		core/scdefault.c $(O)/gen/sc-prebuilt.c \
		core/profile.c core/env.c core/user.c core/rlimit.c core/sysctl.c core/join.c mounts/parse.c \
		policy/policy.c \
		policy/audit.c policy/tamper.c policy/gate.c policy/engine.c common/capset.c \
		common/err.c common/util.c
	@mkdir -p $(@D)
	$(FUZZ_CC) -Irunc $(PKG_CFLAGS) -o $@ $^ -lseccomp -ljansson -lcap -lmnl
$(O)/fuzz/fuzz_manifest: t/fuzz/fuzz_manifest.c image/oci.c image/cryptoload.c common/dl.c \
		common/err.c common/util.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(PKG_CFLAGS) -o $@ $^ -ljansson -lcrypto

FUZZERS := path lease seccomp config manifest

# Every fuzzer, built but not run: the 20-second smoke of make check
# (t/fuzz/smoke.sh) runs them.
fuzzers: $(FUZZ_DIR)/fuzz_subid $(O)/fuzz/fuzz_policy $(addprefix $(O)/fuzz/fuzz_,$(FUZZERS))
.PHONY: fuzzers
fuzz-more: $(addprefix $(O)/fuzz/fuzz_,$(FUZZERS))
	@for f in $(FUZZERS); do \
	  mkdir -p $(O)/fuzz/$$f-corpus && cp t/fuzz/corpus/$$f/* $(O)/fuzz/$$f-corpus/ && \
	  $(O)/fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=$(O)/fuzz/ \
	      $(O)/fuzz/$$f-corpus 2>&1 | tail -n 1 || exit 1; \
	done
fuzz: fuzz-more
.PHONY: fuzz-more
