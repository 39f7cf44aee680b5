// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gate.c - the one policy gate of both front ends
 *
 * Theory of Operation: every administrator's check of a container — the
 * capability ceiling, --privileged, host namespaces, networks and ports,
 * the locks of seccompProfile and noNewPrivileges, allowedImages, the
 * engine's exposure on TCP, and what may be mounted from the host — is
 * made here, by policy_gate(), and eci-run and eci-runc both pass through
 * it before any namespace exists.  A rule that is not written here guards
 * one front end only, which is how the two drifted apart before.
 *
 * The gate takes a struct pol_request, not the core's struct spec: the
 * spec holds the effective policy (spec.h includes policy.h) and the core
 * calls the policy, so a policy that took the spec would depend on core,
 * image, mounts and net, and the modules would form a circle.  The request
 * is plain data in the policy's own terms — names, digests, capability
 * masks, open fds, and the words that asked for each (the flag as typed,
 * or config.json's field) so that a refusal names what the user asked —
 * and policy depends on common/ alone (capability names: capset.h).  Each
 * front end fills it from its own input (launcher/admit.c, runc/config.c)
 * and applies what comes back (the capability set, narrowed to the
 * ceiling).  What the front end must prove first, it proves: eci-run
 * re-hashes the stored manifest and config when allowedImages pins a
 * digest, and opens every mount source once.
 *
 * The capability ceiling is allowedCapabilities, in which "ALL" stands for
 * every capability when allowPrivileged is true and for Docker's default
 * set when it is false: with allowPrivileged false nothing beyond the
 * default set and the capabilities the administrator named is held,
 * whichever flag asks — --privileged, --cap-add (ALL or one by one), or
 * any of config.json's five sets.  Above the ceiling, a capability named
 * one by one (--cap-add) is refused; one that comes with a request for
 * many (--privileged, an engine's set, which cannot tell --privileged
 * from --cap-add) is dropped, audited, while allowPrivileged is true, and
 * refused when it is false.  Default capabilities outside a ceiling that
 * does not list them are dropped, audited: nobody asked for them.
 *
 * allowedImages: an entry that pins a digest (sha256:HEX, NAME@sha256:HEX)
 * admits exactly the image whose manifest or config has that digest, as
 * the front end proved it, whatever it is called; any other entry is an
 * fnmatch(3) pattern over the name the user gave, which a user who imports
 * or tags images chooses (eci-policy(5) says so).  An engine that passes
 * no identity at all cannot be judged: the container runs, and the gate
 * warns and audits ("unchecked") while the list is restrictive.
 *
 * Mounts: eci-run's -v and eci-runc's bind mounts come with the source
 * already open (O_PATH, once): the object judged is the object that will
 * be mounted, so swapping a directory for a symlink between the check and
 * the mount changes nothing (the mount is made from the same fd).  The
 * path judged is the one the kernel gives for that fd, after every
 * symlink, never the name the user typed.  A source is refused when it
 * is, holds or lies under a path of blockedMounts, or when it is, or
 * holds, the listening socket of a container engine — found by what the
 * socket is (engine.c), at whatever path the engine was told to listen —
 * unless the image is one of dockerSocketMount.imageList.
 *
 * Devices (--device) also come open: what is judged is the device the
 * node is (character or block, major:minor), never its name, so a link or
 * a node of the user's own making that names an allowed device's path
 * does not pass for it, and another node of an allowed device does.  An
 * allowedDevices entry is a path, standing for the device found there when
 * the gate runs, or "c MAJOR:MINOR" / "b MAJOR:MINOR".  The list is empty
 * unless an administrator's file fills it: the user's settings cannot.
 */
#include <errno.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "capset.h"
#include "cleanup.h"
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

/* --- the host: namespaces, network, ports --------------------------------- */

static int check_host_ns(const struct policy *p, const struct pol_host_ns *h, const char *image,
			 struct eci_err *e)
{
	char what[300];

	if (!p->v[POL_ECI].b && p->v[POL_ALLOW_HOST_NS].b)
		return 0;
	snprintf(what, sizeof(what), "%s: the host %s namespace is not allowed%s", h->flag, h->ns,
		 p->v[POL_ECI].b ? " under enhanced container isolation" : "");
	return refusal(p, p->v[POL_ECI].b ? POL_ECI : POL_ALLOW_HOST_NS, what, image, true, e);
}

static bool loopback(const char *ip)
{
	return !strncmp(ip, "127.", 4) || !strcmp(ip, "::1");
}

static int check_network(const struct policy *p, const struct pol_request *r, struct eci_err *e)
{
	for (size_t i = 0; i < r->nhost_ns; i++)
		if (check_host_ns(p, &r->host_ns[i], r->image, e) < 0)
			return -1;
	if (r->network && !policy_list_match(p->v[POL_ALLOWED_NETWORKS].list, r->network))
		return refusal(p, POL_ALLOWED_NETWORKS, r->network_flag, r->image, false, e);
	for (size_t i = 0; i < r->nports; i++)
		if (!loopback(r->ports[i].ip) && !p->v[POL_PUBLIC_PORTS].b)
			return refusal(p, POL_PUBLIC_PORTS, r->ports[i].flag, r->image, false, e);
	/* The user's own uid and gid inside: what the container writes to
	 * the user's files is theirs (see eci-policy(5)). */
	if (r->keep_id && !p->v[POL_ALLOW_KEEP_ID].b)
		return refusal(p, POL_ALLOW_KEEP_ID, r->keep_id, r->image, false, e);
	return 0;
}

/* A flag may set what the administrator did not lock, or what the lock holds anyway. */
static int check_overrides(const struct policy *p, const struct pol_request *r,
			   struct eci_err *e)
{
	for (size_t i = 0; i < r->noverrides; i++) {
		const struct pol_override *o = &r->overrides[i];
		const struct pol_value *v = &p->v[o->key];
		bool same = v->type == POL_STRING ? !strcmp(o->s ? o->s : "", v->s ? v->s : "")
						  : o->b == v->b;

		if (v->locked && !same)
			return refusal(p, o->key, o->flag, r->image, false, e);
	}
	return 0;
}

/* --- capabilities ---------------------------------------------------------- */

/* allowedCapabilities as a set (see the Theory of Operation); *@all: it says ALL. */
static int ceiling(const struct policy *p, uint64_t *set, bool *all, struct eci_err *e)
{
	const struct pol_value *v = &p->v[POL_ALLOWED_CAPS];

	*set = 0;
	*all = false;
	for (char *const *c = v->list; c && *c; c++) {
		uint64_t m;

		if (!strcasecmp(*c, "ALL")) {
			*all = true;
			continue;
		}
		if (caps_parse("allowedCapabilities", *c, &m, e) < 0)
			return eci_prefix(e, "policy %s", v->source);
		*set |= m;
	}
	if (*all)
		*set |= p->v[POL_ALLOW_PRIVILEGED].b ? caps_all() : caps_default();
	return 0;
}

/* "CAP_A, CAP_B", as much of @set as fits */
static void cap_names(uint64_t set, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned c = 0; c < 64 && o < size; c++) {
		char n[64];

		if (set & (1ULL << c))
			o += (size_t)snprintf(buf + o, size - o, "%s%s", o ? ", " : "",
					      caps_name(c, n, sizeof(n)));
	}
}

static int check_caps(const struct policy *p, struct pol_request *r, struct eci_err *e)
{
	bool privileged = p->v[POL_ALLOW_PRIVILEGED].b, all;
	uint64_t top;

	if (r->privileged && !privileged)
		return refusal(p, POL_ALLOW_PRIVILEGED, r->privileged, r->image, false, e);
	if (ceiling(p, &top, &all, e) < 0)
		return -1;
	for (size_t i = 0; i < r->nasks; i++) {
		const struct pol_caps *a = &r->asks[i];
		uint64_t over = a->caps & ~top;
		char what[300], name[64];

		/* asked for with many others: narrowed below, unless privileges are not allowed */
		if (!a->by_name)
			over = privileged ? 0 : over & ~caps_default();
		if (!over)
			continue;
		if (a->by_name)
			snprintf(what, sizeof(what), "%s", a->flag);
		else
			snprintf(what, sizeof(what), "capability %s in %s",
				 caps_name((unsigned)__builtin_ctzll(over), name, sizeof(name)), a->flag);
		return refusal(p, a->by_name && !all ? POL_ALLOWED_CAPS : POL_ALLOW_PRIVILEGED, what,
			       r->image, false, e);
	}
	return 0;
}

/* After every refusal: what nobody asked for one by one, and is above the ceiling, goes. */
static void narrow_caps(const struct policy *p, struct pol_request *r)
{
	char names[900], detail[1000];
	struct eci_err e;
	uint64_t top;
	bool all;

	if (ceiling(p, &top, &all, &e) < 0 || !(r->caps & ~top))
		return;
	cap_names(r->caps & ~top, names, sizeof(names));
	snprintf(detail, sizeof(detail), "capabilities outside the ceiling dropped: %s", names);
	r->caps &= top;
	policy_audit(p, "downgraded", POL_ALLOWED_CAPS, r->image, detail);
}

/* --- images ---------------------------------------------------------------- */

bool policy_images_pinned(const struct policy *p)
{
	for (char *const *l = p->v[POL_ALLOWED_IMAGES].list; l && *l; l++)
		if (policy_image_pin(*l))
			return true;
	for (size_t i = 0; i < p->nsocket_images; i++)
		if (policy_image_pin(p->socket_images[i]))
			return true;
	return false;
}

/*
 * Is the image of @r on @list?  A pinned entry by its digests only; a
 * pattern by the name as given, and with ":latest" when it has no tag.
 */
static bool image_listed(char *const *list, const struct pol_request *r)
{
	char tagged[1100];

	if (r->image)
		snprintf(tagged, sizeof(tagged), "%s%s", r->image,
			 strchr(r->image, ':') ? "" : ":latest");
	for (; list && *list; list++) {
		const char *pin = policy_image_pin(*list);

		if (pin ? (r->digest && !strcmp(pin, r->digest)) ||
			  (r->config_digest && !strcmp(pin, r->config_digest))
			: r->image && (!fnmatch(*list, r->image, 0) || !fnmatch(*list, tagged, 0)))
			return true;
	}
	return false;
}

static int check_image(const struct policy *p, const struct pol_request *r, struct eci_err *e)
{
	const struct pol_value *v = &p->v[POL_ALLOWED_IMAGES];
	char what[1300];

	if (!r->image && !r->digest && !r->config_digest) {
		for (char *const *l = v->list; l && *l; l++)
			if (!strcmp(*l, "*"))
				return 0;
		snprintf(what, sizeof(what), "the image of this container is unknown (the engine "
			 "passed neither its name nor its digest): \"%s\" (%.1100s) is not applied",
			 pol_names[POL_ALLOWED_IMAGES], v->source);
		eci_warn("%s", what);
		policy_audit(p, "unchecked", POL_ALLOWED_IMAGES, NULL, what);
		return 0;
	}
	if (image_listed(v->list, r))
		return 0;
	snprintf(what, sizeof(what), "image %.1000s",
		 r->image ? r->image : r->digest ? r->digest : r->config_digest);
	return refusal(p, POL_ALLOWED_IMAGES, what, r->image, false, e);
}

/*
 * Before anything is fetched, only the reference is known: its name (with
 * its registry and tag) for the patterns, and the digest it carries, if
 * any, for the pins.  A pin admits a pull by that digest only: the digest
 * of a tag is the registry's to say, and nothing it says is taken before
 * the gate.
 */
int policy_gate_fetch(const struct policy *p, const char *ref, const char *digest,
		      struct eci_err *e)
{
	struct pol_request r = { .image = ref, .digest = digest && *digest ? digest : NULL };
	char what[1300];

	if (image_listed(p->v[POL_ALLOWED_IMAGES].list, &r))
		return 0;
	snprintf(what, sizeof(what), "image %.1000s: not fetched", ref);
	return refusal(p, POL_ALLOWED_IMAGES, what, ref, false, e);
}

/* --- what may be mounted, and the engine ----------------------------------- */

static bool is_socket_path(const char *p)
{
	return strstr(p, "docker.sock") || strstr(p, "containerd.sock");
}

static int check_mount(const struct policy *p, const struct pol_mount *m,
		       const struct pol_request *r, const struct engines *en, struct eci_err *e)
{
	bool socket_ok = image_listed(p->socket_images, r);
	const struct eng_sock *sock;
	char path[PATH_MAX], what[PATH_MAX * 2 + 300];
	int n;

	if ((n = policy_fd_path(m->fd, path, sizeof(path))) < 0)
		return eci_fail(e, -n, "%s", m->flag);
	for (char *const *b = p->v[POL_BLOCKED_MOUNTS].list; b && *b; b++) {
		char real[PATH_MAX];
		const char *bp = realpath(*b, real) ? real : *b;

		if (socket_ok && is_socket_path(bp))
			continue;
		if (policy_path_under(path, bp) || policy_path_under(bp, path) ||
		    policy_path_under(path, *b) || policy_path_under(*b, path)) {
			snprintf(what, sizeof(what), "%s: %s is, holds or is under the blocked path "
				 "%s", m->flag, path, *b);
			return refusal(p, POL_BLOCKED_MOUNTS, what, r->image, true, e);
		}
	}
	if (!socket_ok && (sock = policy_engine_socket(en, m->fd, path))) {
		snprintf(what, sizeof(what), "%s: %s the engine socket of %s (pid %d) at %s, which is "
			 "not allowed under enhanced container isolation", m->flag,
			 strcmp(path, sock->path) ? "holds" : "is", sock->proc, (int)sock->pid,
			 sock->path);
		return refusal(p, POL_ECI, what, r->image, true, e);
	}
	return 0;
}

/*
 * ECI's promise that the engine's API is never on the network without
 * TLS: a dockerd that runs this container and listens on TCP without
 * client verification gives root to anyone who reaches the port, so
 * eci-runc refuses to serve it unless the administrator said otherwise.
 */
static int check_exposure(const struct policy *p, const struct pol_request *r,
			  const struct engines *en, struct eci_err *e)
{
	const struct eng_tcp *t;
	char what[300];

	if (!r->engine || p->v[POL_EXPOSE_TCP].b || !(t = policy_engine_exposed(en, r->engine)))
		return 0;
	snprintf(what, sizeof(what), "the engine (dockerd, pid %d) listens on tcp %s without TLS "
		 "client verification: no container is created for it under enhanced container "
		 "isolation", (int)t->pid, t->addr);
	return refusal(p, POL_EXPOSE_TCP, what, r->image, false, e);
}

/* The engines are looked for only when there is something to judge. */
static int check_host(const struct policy *p, const struct pol_request *r, struct eci_err *e)
{
	bool mounts = p->v[POL_ECI].b && r->nmounts;
	_cleanup_free_ struct engines *en = NULL;

	if (!mounts && !r->engine)
		return 0;
	en = calloc(1, sizeof(*en));
	if (!en)
		return eci_fail(e, ENOMEM, "engines");
	if (policy_engines_scan(en, e) < 0 || check_exposure(p, r, en, e) < 0)
		return -1;
	for (size_t i = 0; mounts && i < r->nmounts; i++)
		if (check_mount(p, &r->mounts[i], r, en, e) < 0)
			return -1;
	return 0;
}

/* --- devices ----------------------------------------------------------------- */

/* Does allowedDevices entry @entry name the device @st is?  -1: malformed. */
static int device_listed(const char *entry, const struct stat *st)
{
	unsigned maj, min;
	char type, end;
	struct stat es;

	if (entry[0] == '/')
		return stat(entry, &es) == 0 && (S_ISCHR(es.st_mode) || S_ISBLK(es.st_mode)) &&
		       (es.st_mode & S_IFMT) == (st->st_mode & S_IFMT) && es.st_rdev == st->st_rdev;
	if (sscanf(entry, "%c %u:%u%c", &type, &maj, &min, &end) != 3 || (type != 'c' && type != 'b'))
		return -1;
	return (type == 'c' ? S_ISCHR(st->st_mode) : S_ISBLK(st->st_mode)) &&
	       st->st_rdev == makedev(maj, min);
}

static int check_device(const struct policy *p, const struct pol_device *d, const char *image,
			struct eci_err *e)
{
	const struct pol_value *v = &p->v[POL_ALLOWED_DEVICES];
	char what[600];
	struct stat st;

	if (fstat(d->fd, &st) < 0)
		return eci_fail(e, errno, "%s", d->flag);
	if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
		return eci_fail(e, 0, "%s: not a device node", d->flag);
	for (char *const *l = v->list; l && *l; l++) {
		int m = device_listed(*l, &st);

		if (m < 0)
			return eci_fail(e, 0, "policy %s: \"%s\" entry \"%s\": expected a device's "
					"path or \"c MAJOR:MINOR\" or \"b MAJOR:MINOR\"", v->source,
					pol_names[POL_ALLOWED_DEVICES], *l);
		if (m)
			return 0;
	}
	snprintf(what, sizeof(what), "%s (%s %u:%u)", d->flag, S_ISCHR(st.st_mode) ? "c" : "b",
		 major(st.st_rdev), minor(st.st_rdev));
	return refusal(p, POL_ALLOWED_DEVICES, what, image, false, e);
}

int policy_gate(const struct policy *p, struct pol_request *r, struct eci_err *e)
{
	for (size_t i = 0; i < r->ndevices; i++)
		if (check_device(p, &r->devices[i], r->image, e) < 0)
			return -1;
	if (check_caps(p, r, e) < 0 || check_network(p, r, e) < 0 ||
	    check_overrides(p, r, e) < 0 || check_image(p, r, e) < 0 || check_host(p, r, e) < 0)
		return -1;
	narrow_caps(p, r);
	return 0;
}
