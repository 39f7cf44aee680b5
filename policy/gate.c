// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gate.c - what a container may have mounted from the host, for both front ends
 *
 * Theory of Operation: the checks of what a container may share with the
 * host, for both front ends.  Host namespaces: policy_check_host_ns().
 * Mounts: eci-run's -v and eci-runc's bind mounts come here
 * with the source already open (O_PATH, once): the object judged is the
 * object that will be mounted, so swapping a directory for a symlink
 * between the check and the mount changes nothing (the mount is made from
 * the same fd).  The path judged is the one the kernel gives for that fd,
 * after every symlink, never the name the user typed.  A source is
 * refused when it is, holds or lies under a path of blockedMounts, or when
 * it is, or holds, the listening socket of a container engine — found by
 * what the socket is (engine.c), at whatever path the engine was told to
 * listen — unless the image is one of dockerSocketMount.imageList.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "policy.h"

int policy_fd_path(int fd, char *buf, size_t size)
{
	char proc[64];
	ssize_t n;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, buf, size - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n >= size - 1)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	/* a path the kernel cannot name from our root, or one deleted */
	if (buf[0] != '/' || (n > 10 && !strcmp(buf + n - 10, " (deleted)")))
		return -ENOENT;
	return 0;
}

bool policy_path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 1 && dir[0] == '/')
		return true;
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

/*
 * The one refusal: "WHAT: SETTING" after a flag, or "WHAT (SETTING)" after
 * a sentence that already says what is not allowed (@sentence).
 */
static int refusal(const struct policy *p, enum pol_key k, const char *what, const char *image,
		   bool sentence, struct eci_err *e)
{
	const struct pol_value *v = &p->v[k];
	char setting[1300];

	if (v->locked)
		snprintf(setting, sizeof(setting), "\"%s\" is managed by your administrator (%s)",
			 pol_names[k], v->source);
	else if (sentence)
		snprintf(setting, sizeof(setting), "\"%s\", %s", pol_names[k], v->source);
	else
		snprintf(setting, sizeof(setting), "not allowed by \"%s\" (%s)", pol_names[k],
			 v->source);
	eci_fail(e, 0, sentence ? "%s (%s)" : "%s: %s", what, setting);
	policy_audit(p, "refused", k, image, e->msg);
	return -1;
}

int policy_refuse(const struct policy *p, enum pol_key k, const char *what, const char *image,
		  struct eci_err *e)
{
	return refusal(p, k, what, image, false, e);
}

int policy_check_host_ns(const struct policy *p, const char *ns, const char *flag,
			 const char *image, struct eci_err *e)
{
	char what[300];

	if (!p->v[POL_ECI].b && p->v[POL_ALLOW_HOST_NS].b)
		return 0;
	snprintf(what, sizeof(what), "%s: the host %s namespace is not allowed%s", flag, ns,
		 p->v[POL_ECI].b ? " under enhanced container isolation" : "");
	return refusal(p, p->v[POL_ECI].b ? POL_ECI : POL_ALLOW_HOST_NS, what, image, true, e);
}

static bool is_socket_path(const char *p)
{
	return strstr(p, "docker.sock") || strstr(p, "containerd.sock");
}

int policy_check_mount(const struct policy *p, int fd, const char *flag, const char *image,
		       const struct engines *en, struct eci_err *e)
{
	bool socket_ok = image && policy_list_match(p->socket_images, image);
	const struct eng_sock *sock;
	char path[PATH_MAX], what[PATH_MAX * 2 + 300];
	int r;

	if (!p->v[POL_ECI].b)
		return 0;
	if ((r = policy_fd_path(fd, path, sizeof(path))) < 0)
		return eci_fail(e, -r, "%s", flag);
	for (char *const *b = p->v[POL_BLOCKED_MOUNTS].list; b && *b; b++) {
		char real[PATH_MAX];
		const char *bp = realpath(*b, real) ? real : *b;

		if (socket_ok && is_socket_path(bp))
			continue;
		if (policy_path_under(path, bp) || policy_path_under(bp, path) ||
		    policy_path_under(path, *b) || policy_path_under(*b, path)) {
			snprintf(what, sizeof(what), "%s: %s is, holds or is under the blocked path "
				 "%s", flag, path, *b);
			return refusal(p, POL_BLOCKED_MOUNTS, what, image, true, e);
		}
	}
	if (!socket_ok && en && (sock = policy_engine_socket(en, fd, path))) {
		snprintf(what, sizeof(what), "%s: %s the engine socket of %s (pid %d) at %s, which is "
			 "not allowed under enhanced container isolation", flag,
			 strcmp(path, sock->path) ? "holds" : "is", sock->proc, (int)sock->pid,
			 sock->path);
		return refusal(p, POL_ECI, what, image, true, e);
	}
	return 0;
}

