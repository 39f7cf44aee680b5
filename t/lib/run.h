/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run.h - run eci's programs from tests and capture what they say
 *
 * The programs under test are taken from $ECI_PREFIX/bin (the staged,
 * capability-carrying copy that t/run-checks.sh makes), else from build/bin.
 */
#ifndef ECI_T_RUN_H
#define ECI_T_RUN_H

#include <sys/types.h>

struct run_result {
	int status;	/* exit code, or 128+N if killed by signal N */
	char *out;	/* stdout, NUL-terminated */
	char *err;	/* stderr, NUL-terminated */
};

const char *t_prefix(void);
/* "$prefix/bin/NAME" in a static buffer of its own per call site */
const char *t_bin(const char *name, char *buf, size_t size);

/* The helper eci-run would use: the prefix's if it has its capabilities,
 * else the installed one. */
const char *t_helper(char *buf, size_t size);

/* Run argv (argv[0] a path), stdin from /dev/null; fills @r. */
int t_run(char *const argv[], struct run_result *r);
void t_run_free(struct run_result *r);

/* Shortcut: eci-run default sh -c SCRIPT. */
int t_sh(const char *script, struct run_result *r);

/* Run t/images/mkimage.sh (the prefix's copy, else $ECI_SRCDIR's) with
 * @a1 @a2 @a3 (NULL ends them early): the test images into a directory. */
void t_mkimage(const char *a1, const char *a2, const char *a3);

/* The absolute path of the static probe (t/probe) into @buf. */
const char *t_probe(char *buf, size_t size);

/* BIN FLAGS -v PROBE:/probe:ro IMAGE /bin/sh -c SCRIPT (BIN: eci-run or a
 * test build of it). */
void t_eci_sh(const char *bin, const char *flags, const char *image, const char *script,
	      struct run_result *r);

/* Start argv with pipes for stdin and stdout; returns the pid. */
pid_t t_spawn(char *const argv[], int *in, int *out);

/* The first child of @parent (a container's pid 1 is eci-run's; its helper,
 * which it reaps while the container starts, is skipped), or 0. */
pid_t t_child_of(pid_t parent);

/* Read one line (without the newline) from fd into buf; 0 or -1 at EOF. */
int t_read_line(int fd, char *buf, size_t size);

/* The hex value after @key ("CapEff:\t") in /proc/PID/status text. */
unsigned long long t_status_hex(const char *out, const char *key);

/* Every capability this kernel knows, as a mask. */
unsigned long long t_all_caps(void);

/* Send the line a waiting container reads, and close @fd, even if it is
 * gone already (EPIPE rather than SIGPIPE, which would end the runner). */
void t_let_go(int fd);

/* Run argv on a new pty of 33 rows and 101 columns as its controlling
 * terminal; its output in @buf; checks that the terminal's modes are as
 * they were afterwards.  Returns the exit status. */
int t_pty_run(char *const argv[], char *buf, size_t size);
/* The same, the pty's slave held open by the test as a user's shell holds
 * its terminal: *@queued is what is left in its input queue afterwards
 * (FIONREAD), which that shell would read next.  Once the output holds
 * @when (if not NULL), @type is typed on the terminal. */
int t_pty_run_queued(char *const argv[], char *buf, size_t size, int *queued, const char *when,
		     const char *type);

/* eci-run ARGS... (the list ends at the macro's NULL), stdin /dev/null.  A
 * run refused because every slot of the account is taken (by another
 * suite's containers) is tried again for up to 20 s. */
#define T_ECI(r, ...) t_eci(r, __VA_ARGS__, (const char *)NULL)
void t_eci(struct run_result *r, ...);
/* eci-run ARGS, a shell word list formatted; fills @r. */
__attribute__((format(printf, 2, 3))) void t_ecif(struct run_result *r, const char *fmt, ...);
/* sh -c @cmd on the host, as whoever runs the tests */
void t_host_sh(const char *cmd, struct run_result *r);
/* @r's exit code is @code (the message shows both outputs) */
void t_want(const struct run_result *r, int code);
/* @s holds @words, or does not */
void t_has(const char *s, const char *words);
void t_lacks(const char *s, const char *words);
/* rm -rf @path, which must succeed */
void t_rm_rf(const char *path);

#endif
