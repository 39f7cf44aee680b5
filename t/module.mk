# Test programs: $(O)/t/unit-tests (pure functions) and $(O)/t/ns-tests
# (real namespaces, run by t/run-checks.sh as an unprivileged account).
TLIB_OBJS := $(O)/obj/t/lib/tap.o $(O)/obj/t/lib/run.o $(O)/obj/t/lib/sysfeat.o
T_CFLAGS  := -It/lib -It/unit -It/ns $(CHECK_CFLAGS)

$(O)/obj/t/%.o: ALL_CFLAGS += $(T_CFLAGS)
$(O)/obj/t/%.o: USES := $(MODULES)

UNIT_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(wildcard t/unit/*.c))
$(O)/t/unit-tests: $(UNIT_OBJS) $(TLIB_OBJS) $(ECI_LIBS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CHECK_LIBS)

NS_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(wildcard t/ns/*.c))
$(O)/t/ns-tests: $(NS_OBJS) $(TLIB_OBJS) $(ECI_LIBS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CHECK_LIBS)

TEST_BINS += $(O)/t/unit-tests $(O)/t/ns-tests

# A static program the namespace tests bind into containers.
$(O)/t/probe: t/probe/probe.c t/probe/escape.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -static -o $@ $^
TEST_BINS += $(O)/t/probe

# A dynamic program with a large .bss, for eci-thp.so's unit test: built
# without the sanitizers, whose runtime would have to come before the
# preloaded library.
$(O)/t/thp-probe: t/probe/thp.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -o $@ $^
TEST_BINS += $(O)/t/thp-probe

# End-to-end tests of eci-runc under dockerd (t/engine/run.sh), and the
# scenarios through dockerd, ctr and podman (t/engine/clients.sh).
CLIENTS_SRCS := t/engine/check_clients.c t/engine/clients.c
ENGINE_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(filter-out $(CLIENTS_SRCS),$(wildcard t/engine/*.c)))
$(O)/t/engine-tests: $(ENGINE_OBJS) $(TLIB_OBJS) $(ECI_LIBS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CHECK_LIBS)
CLIENTS_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(CLIENTS_SRCS))
$(O)/t/clients-tests: $(CLIENTS_OBJS) $(TLIB_OBJS) $(ECI_LIBS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CHECK_LIBS)
TEST_BINS += $(O)/t/engine-tests $(O)/t/clients-tests
include t/fuzz/module.mk
