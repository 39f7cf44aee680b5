// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pull.c - images from a registry, fetched by skopeo
 *
 * Theory of Operation: eci holds no registry client.  `skopeo copy
 * docker://REF oci:DIR` fetches the image into a directory private to this
 * pull, tmp/pull-XXXXXX of the store (0700, in a store closed to others),
 * and the import of an OCI layout then takes it in as any other: every
 * blob hashed against its digest on the way, nothing named until all of it
 * is right.  skopeo reads registries.conf, policy.json and the user's
 * credentials as it always does (mirrors, insecure and blocked registries,
 * signature policy, logins): eci adds nothing and takes nothing away.
 *
 * Nothing half-fetched outlives the pull: the store's lock is held from
 * before the directory is made until it is removed, and imports clear tmp/
 * under that lock, so what a killed pull leaves is gone at the next import;
 * skopeo's own temporary files go to the same directory (TMPDIR); skopeo
 * dies with eci-run (PR_SET_PDEATHSIG); SIGINT, SIGTERM and SIGHUP are
 * passed on to it and the pull ends as a failure, with the directory
 * removed.  skopeo's progress goes to eci-run's stderr when that is a
 * terminal (skopeo draws bars only there), and --quiet elsewhere.  What it
 * says on failure is read from its stderr (logrus's msg="…") and becomes
 * the error, after the reference.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "image-int.h"
#include "store.h"
#include "util.h"

#define SKOPEO "skopeo"

static volatile sig_atomic_t caught;
static volatile pid_t fetcher;

static void forward(int sig)
{
	caught = sig;
	if (fetcher > 0)
		kill(fetcher, sig);
}

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP };

static void catch_signals(struct sigaction old[3])
{
	struct sigaction sa = { .sa_handler = forward };

	caught = 0;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++)
		sigaction(forwarded[i], &sa, &old[i]);
}

static void restore_signals(const struct sigaction old[3])
{
	for (int i = 0; i < 3; i++)
		sigaction(forwarded[i], &old[i], NULL);
}

/* The child: skopeo copy, its stderr into @errw, its report to ours. */
static void __attribute__((noreturn))
exec_skopeo(const char *dir, const char *src, const char *dst, int errw, pid_t parent)
{
	char tmpdir[4300];
	sigset_t none;
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	char *argv[10];
	int n = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(111);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	snprintf(tmpdir, sizeof(tmpdir), "%s/tmp", dir);
	setenv("TMPDIR", tmpdir, 1);
	argv[n++] = (char *)SKOPEO;
	argv[n++] = (char *)"copy";
	if (!isatty(STDERR_FILENO))
		argv[n++] = (char *)"--quiet";
	/* an OCI layout keeps no signatures; policy.json is still applied */
	argv[n++] = (char *)"--remove-signatures";
	/* layers as the registry has them: compressing one would change the
	 * manifest, and its digest would no longer be the registry's */
	argv[n++] = (char *)"--dest-oci-accept-uncompressed-layers";
	argv[n++] = (char *)src;
	argv[n++] = (char *)dst;
	argv[n] = NULL;
	if (null < 0 || dup2(null, 0) < 0 || dup2(STDERR_FILENO, 1) < 0 || dup2(errw, 2) < 0)
		_exit(111);
	execvp(SKOPEO, argv);
	dprintf(2, "eci: run " SKOPEO ": %s\n", strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

/* skopeo's last msg="…" (or last line) from @out, unescaped, into @buf. */
static void skopeo_said(const char *out, char *buf, size_t size)
{
	const char *m = NULL, *p = out;
	size_t o = 0;

	while ((p = strstr(p, "msg=\"")))
		m = p += 5;
	if (!m) {
		size_t n = strlen(out);

		while (n && out[n - 1] == '\n')
			n--;
		m = memrchr(out, '\n', n);
		snprintf(buf, size, "%.*s", (int)(n - (size_t)(m ? m + 1 - out : 0)), m ? m + 1 : out);
		return;
	}
	for (; *m && *m != '"' && o + 1 < size; m++) {
		if (*m == '\\' && m[1])
			m++;
		buf[o++] = *m;
		/* a digest in full twice would not fit the error: 12 digits say it */
		if (o >= 7 && !strncmp(buf + o - 7, "sha256:", 7) && strspn(m + 1, "0123456789abcdef") >= 64 &&
		    o + 16 < size) {
			memcpy(buf + o, m + 1, 12);
			memcpy(buf + o + 12, "...", 3);
			o += 15;
			m += 64;
		}
	}
	buf[o] = '\0';
}

/* The error: the reference, then what skopeo (the registry) said. */
static int fetch_failed(const struct img_ref *ref, const char *out, int status,
			struct eci_err *e)
{
	static const char lead[] = "initializing source docker://";
	char said[1024];
	const char *msg = said;

	if (caught)
		return eci_fail(e, EINTR, "image pull %s: interrupted by %s, nothing kept", ref->full,
				strsignal(caught));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return eci_fail(e, 0, "image pull %s: skopeo is not installed (Debian package "
				"skopeo): eci fetches images with it", ref->full);
	skopeo_said(out, said, sizeof(said));
	/* "initializing source docker://REF: " repeats what the prefix says */
	if (!strncmp(said, lead, strlen(lead)) && strstr(said + strlen(lead), ": "))
		msg = strstr(said + strlen(lead), ": ") + 2;
	return eci_fail(e, 0, "image pull %s: %s", ref->full, *msg ? msg : "skopeo failed");
}

/* Run skopeo; 0, or -1 with @e saying why. */
static int fetch(const char *dir, const struct img_ref *ref, struct eci_err *e)
{
	char src[460], dst[4300], out[8192];
	size_t len = 0;
	int p[2], status = 0;
	pid_t pid;

	snprintf(src, sizeof(src), "docker://%s", ref->full);
	snprintf(dst, sizeof(dst), "oci:%s/oci", dir);
	if (caught)
		return fetch_failed(ref, "", 0, e);
	if (pipe2(p, O_CLOEXEC) < 0)
		return eci_fail(e, errno, "image pull %s: pipe", ref->full);
	pid = fork();
	if (pid == 0)
		exec_skopeo(dir, src, dst, p[1], getppid());
	fetcher = pid;
	close(p[1]);
	for (;;) {
		char chunk[1024];
		ssize_t n = read(p[0], chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		/* keep the end: the fatal message is the last thing said */
		if (len + (size_t)n >= sizeof(out)) {
			size_t drop = len + (size_t)n - sizeof(out) + 1;

			memmove(out, out + drop, len - (drop < len ? drop : len));
			len -= drop < len ? drop : len;
		}
		memcpy(out + len, chunk, (size_t)n < sizeof(out) - 1 ? (size_t)n : sizeof(out) - 1);
		len += (size_t)n < sizeof(out) - 1 ? (size_t)n : sizeof(out) - 1;
	}
	out[len] = '\0';
	close(p[0]);
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	fetcher = 0;
	if (pid < 0)
		return eci_fail(e, errno, "image pull %s: fork", ref->full);
	if (caught || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return fetch_failed(ref, out, status, e);
	return 0;
}

int img_pull(struct store *st, const struct img_ref *ref, char digest[72], struct eci_err *e)
{
	char dir[4200], layout[4300];
	struct sigaction old[3];
	int r;

	if (store_lock(st, e) < 0)
		return -1;
	img_clear_tmp(st);
	snprintf(dir, sizeof(dir), "%s/tmp/pull-XXXXXX", st->path);
	if (!mkdtemp(dir)) {
		store_unlock(st);
		return eci_fail(e, errno, "image pull %s: %s", ref->full, dir);
	}
	snprintf(layout, sizeof(layout), "%s/tmp", dir);
	r = mkdir(layout, 0700) < 0 ? eci_fail(e, errno, "image pull: %s", layout) : 0;
	/* caught until the directory is gone, so that it always goes */
	catch_signals(old);
	if (r == 0)
		r = fetch(dir, ref, e);
	snprintf(layout, sizeof(layout), "%s/oci", dir);
	if (r == 0 && !caught && (r = img_import_locked(st, layout, ref->full, digest, e)) < 0)
		eci_prefix(e, "image pull %s", ref->full);
	rm_rf_at(st->fd, dir + strlen(st->path) + 1);
	if (r == 0 && caught)	/* whole, and kept; the signal still ends the run */
		r = eci_fail(e, EINTR, "image pull %s: interrupted by %s", ref->full,
			     strsignal(caught));
	store_unlock(st);
	restore_signals(old);
	return r;
}
