# The headers this module may use: its own and those of the modules it
# depends on (the build gives it no other include path).
$(O)/obj/core/%.o: USES := core common image mounts net subid policy

# core/: one container's life, for eci-run and eci-runc (core.h).
CORE_OBJS := $(addprefix $(O)/obj/core/,container.o child.o init.o join.o cgroup.o helper.o nest.o caps.o seccomp.o profile.o \
	     scdefault.o user.o tty.o env.o signals.o rlimit.o sysctl.o mountsup.o)
LIB_CORE  := $(O)/lib/libecicore.a
$(LIB_CORE): $(CORE_OBJS) $(O)/obj/gen/sc-prebuilt.o

# The default seccomp filters, built by the same code at build time
# (core/scdefault.c).
$(O)/gen/scgen: $(O)/obj/core/scgen.o $(O)/obj/core/seccomp.o $(O)/obj/core/caps.o \
		$(O)/lib/libecicommon.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
$(O)/gen/sc-prebuilt.c: $(O)/gen/scgen
	$< > $@.tmp && mv $@.tmp $@
$(O)/obj/gen/sc-prebuilt.o: USES := core
$(O)/obj/gen/sc-prebuilt.o: $(O)/gen/sc-prebuilt.c core/scprebuilt.h
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) $(INCS) -c -o $@ $<
LIBS += $(LIB_CORE)
