# The headers this module may use: its own and those of the modules it
# depends on (the build gives it no other include path).
$(O)/obj/newidmap/%.o: USES := newidmap subid common policy

# The helper's own code; subordinate ids and leases are the subid library's.
HELPER_SRCS := newidmap/die.c newidmap/caps.c newidmap/target.c newidmap/maps.c \
	       newidmap/statedir.c newidmap/cgroups.c
# What it takes from the other modules: the policy (without the engine's
# socket rules), subordinate ids, and the common helpers it calls.
HELPER_LIB_SRCS := policy/policy.c policy/tamper.c policy/audit.c policy/gate.c \
	subid/subid.c subid/lease_fmt.c subid/idfile.c subid/scan.c subid/lease.c subid/take.c \
	common/err.c common/util.c common/fdpass.c common/capset.c common/timeline.c

# Where musl-gcc is found (Debian's musl-tools), the helper is a static
# program on musl.  A glibc program asks the CPU for its model and caches
# at every start (init_cpu_features(), ~100 cpuid instructions); each is a
# trap to the hypervisor on a virtual machine, ~10 us here, so an empty
# glibc program takes 1.0 ms to exec and exit against 0.1 ms on musl, and
# the helper's start is on every container's start.  A static program also
# loads nothing: no dynamic loader and no NSS module runs with the
# helper's capabilities (user names come from /etc/passwd, or nscd).
# The sanitizer builds (no sanitizer runtime for musl) and hosts without
# musl-gcc build it with $(CC) as the rest.  HELPER_CC= forces that.
HELPER_CC ?= $(if $(SANITIZE),,$(shell command -v musl-gcc 2>/dev/null))

ifneq ($(HELPER_CC),)
MUSL_INC := $(O)/musl/include
# musl-gcc sees only musl's headers: the kernel's and the two libraries'
# headers are linked in beside them, nothing else of the host's.
$(MUSL_INC)/.stamp:
	@mkdir -p $(MUSL_INC)/sys
	@ln -sfn /usr/include/linux $(MUSL_INC)/linux
	@ln -sfn /usr/include/asm-generic $(MUSL_INC)/asm-generic
	@ln -sfn $$($(CC) -print-multiarch | sed 's|^|/usr/include/|')/asm $(MUSL_INC)/asm
	@ln -sf /usr/include/sys/capability.h $(MUSL_INC)/sys/capability.h
	@ln -sf /usr/include/jansson.h $(MUSL_INC)/jansson.h
	@ln -sf /usr/include/jansson_config.h $(MUSL_INC)/jansson_config.h
	@touch $@
MUSL_CFLAGS := $(filter-out $(PKG_CFLAGS),$(ALL_CFLAGS)) -isystem $(MUSL_INC) \
	       -Inewidmap -Isubid -Icommon -Ipolicy
$(O)/musl/%.o: %.c $(MUSL_INC)/.stamp
	@mkdir -p $(@D)
	@echo "  CC      $< (musl)"
	@$(HELPER_CC) $(MUSL_CFLAGS) -MMD -MP -c -o $@ $<
$(O)/musl/%-test.o: %.c $(MUSL_INC)/.stamp
	@mkdir -p $(@D)
	@echo "  CC      $< (musl, test)"
	@$(HELPER_CC) $(MUSL_CFLAGS) -DECI_POLICY_FROM_ENV -MMD -MP -c -o $@ $<
-include $(shell find $(O)/musl -name '*.d' 2>/dev/null)

HELPER_OBJS := $(patsubst %.c,$(O)/musl/%.o,$(HELPER_SRCS) newidmap/glibc-compat.c)
HELPER_LIB  := $(O)/lib/libecihelper-musl.a
$(HELPER_LIB): $(patsubst %.c,$(O)/musl/%.o,$(filter-out policy/policy.c,$(HELPER_LIB_SRCS)))
HELPER_MAIN := $(O)/musl/newidmap/main.o $(O)/musl/policy/policy.o
HELPER_MAIN_TEST := $(O)/musl/newidmap/main-test.o $(O)/musl/policy/policy-test.o
# Linked static-pie by hand: musl-gcc's specs make -static-pie a dynamic
# program.  Debian's libcap.a and libjansson.a, as they are (glibc-compat.c).
MUSL_LIBDIR ?= /usr/lib/$(subst -gnu,-musl,$(shell $(CC) -print-multiarch))
HELPER_LINK := $(CC) -static-pie -nostdlib -Wl,-z,relro,-z,now,--gc-sections $(LDFLAGS) \
	       $(MUSL_LIBDIR)/rcrt1.o $(MUSL_LIBDIR)/crti.o $(shell $(CC) -print-file-name=crtbeginS.o)
HELPER_LIBS := $(shell $(CC) -print-file-name=libcap.a) $(shell $(CC) -print-file-name=libjansson.a) \
	       $(MUSL_LIBDIR)/libc.a $(shell $(CC) -print-libgcc-file-name) \
	       $(shell $(CC) -print-file-name=crtendS.o) $(MUSL_LIBDIR)/crtn.o
else
HELPER_OBJS := $(addprefix $(O)/obj/newidmap/,die.o caps.o target.o maps.o statedir.o cgroups.o)
HELPER_LIB  := $(O)/lib/libsubid.a $(LIB_COMMON)
HELPER_MAIN := $(O)/obj/newidmap/main.o $(O)/lib/libecipolicy.a
HELPER_MAIN_TEST := $(O)/obj/newidmap/main-test.o $(O)/lib/libecipolicy-test.a
HELPER_LINK := $(CC) $(ALL_LDFLAGS)
endif

$(O)/bin/eci-newidmap: $(HELPER_MAIN) $(HELPER_OBJS) $(HELPER_LIB)
	@mkdir -p $(@D)
	$(HELPER_LINK) -o $@ $^ $(HELPER_LIBS)

# The helper of the test stage: reads $ECI_POLICY_DIR (still checked).
$(O)/obj/newidmap/main-test.o: newidmap/main.c
	@mkdir -p $(@D)
	@echo "  CC      $< (test)"
	@$(CC) $(ALL_CFLAGS) $(INCS) -DECI_POLICY_FROM_ENV -MMD -MP -c -o $@ $<
$(O)/t/eci-newidmap: $(HELPER_MAIN_TEST) $(HELPER_OBJS) $(HELPER_LIB)
	@mkdir -p $(@D)
	$(HELPER_LINK) -o $@ $^ $(HELPER_LIBS)
TEST_BINS += $(O)/t/eci-newidmap
BINS += $(O)/bin/eci-newidmap
