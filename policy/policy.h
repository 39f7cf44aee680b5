/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy.h - administrator policy (policy.d) and user settings
 *
 * Theory of Operation: the administrator's files, $(SYSCONFDIR)/eci/
 * policy.d/NAME.json, are read in file-name order, later files winning, in the
 * shape of Docker's admin-settings.json: {"SETTING": {"value": V, "locked":
 * B}}.  Before anything is read, each file and every directory above it
 * must be owned by root and writable by nobody else (after resolving
 * symlinks): a file a user could write is no policy, so eci refuses to run
 * any container instead (policy_load fails, saying which file and why).
 * Then the user's $XDG_CONFIG_HOME/eci/settings.json ({"SETTING": V}) may
 * change what the administrator did not lock — a locked setting is kept,
 * with a warning — and last, flags: policy_locked_flag() turns a flag that
 * would change a locked setting into a refusal naming the setting and the
 * file that locks it.  Every refusal and every downgrade the policy forces
 * is written as one JSON line to the audit log (audit.c).
 *
 * The path of policy.d is compiled in and never taken from the environment
 * or a flag; only the test build (ECI_POLICY_FROM_ENV) reads
 * $ECI_POLICY_DIR, and still applies the ownership checks to it.
 */
#ifndef ECI_POLICY_H
#define ECI_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "err.h"

enum pol_key {
	POL_ECI,		/* enhancedContainerIsolation: bool */
	POL_ALLOWED_IMAGES,	/* allowedImages: [patterns] */
	POL_BLOCKED_MOUNTS,	/* blockedMounts: [host paths] */
	POL_ALLOWED_NETWORKS,	/* allowedNetworks: [modes] */
	POL_ALLOW_HOST_NS,	/* allowHostNamespaces: bool */
	POL_ALLOW_PRIVILEGED,	/* allowPrivileged: bool */
	POL_SECCOMP,		/* seccompProfile: "default" | "unconfined" | path */
	POL_NNP,		/* noNewPrivileges: bool */
	POL_ALLOWED_CAPS,	/* allowedCapabilities: [names] or ["ALL"] */
	POL_MAX_CONTAINERS,	/* maxContainersPerUser: integer, 0 = no limit */
	POL_AUDIT_LOG,		/* auditLog: "syslog" | "stderr" | absolute path */
	POL_PUBLIC_PORTS,	/* allowPublicPorts: bool, -p on other than loopback */
	POL_FILESHARING,	/* filesharingAllowedDirectories: [{"path": P}] */
	POL_EXPOSE_TCP,		/* exposeDockerAPIOnTCP2375: bool */
	POL_NKEYS
};

/* POL_PATHS: Docker's [{"path": "/abs"}, ...], kept as a list of paths */
enum pol_type { POL_BOOL, POL_INT, POL_STRING, POL_LIST, POL_PATHS };

#define POL_MAX_LIST 256

struct pol_value {
	enum pol_type type;
	bool b;
	long long i;
	char *s;
	char **list;		/* NULL-terminated */
	size_t n;
	bool locked;
	char source[1100];	/* the file that set it, or "default" */
};

struct policy {
	struct pol_value v[POL_NKEYS];
	char **socket_images;	/* ECI's dockerSocketMount.imageList.images */
	size_t nsocket_images;
	char dir[512];		/* the policy.d read */
};

extern const char *const pol_names[POL_NKEYS];

/* The policy directory this build reads. */
const char *policy_dir(void);

/**
 * policy_load() - defaults, then the administrator's files
 * @p:   filled; free with policy_free()
 * @dir: policy.d (policy_dir() outside tests)
 * @e:   error: tampering (which file, why), malformed JSON (file, line,
 *       column), a wrong type (file, key, expected type)
 *
 * Unknown keys are reported on stderr and ignored.
 * Return: 0 or negative.
 */
int policy_load(struct policy *p, const char *dir, struct eci_err *e);

/**
 * policy_load_user() - the user's settings, for what is not locked
 * @path: the settings file; a missing one is no error
 *
 * Return: 0 or negative (malformed file, wrong type).
 */
int policy_load_user(struct policy *p, const char *path, struct eci_err *e);

/* $XDG_CONFIG_HOME/eci/settings.json (else ~/.config/eci/settings.json). */
int policy_user_path(char *buf, size_t size);

/**
 * policy_locked_flag() - refuse a flag that would change a locked setting
 * @flag: the flag as given ("--privileged", "--network host")
 *
 * Return: 0 if @key is not locked, else -1 with @e saying
 *         '--privileged: "allowPrivileged" is managed by your administrator (FILE)'.
 */
int policy_locked_flag(const struct policy *p, enum pol_key key, const char *flag,
		       struct eci_err *e);

/* Does @list (glob patterns) allow @name?  fnmatch(3), "*" for all. */
bool policy_list_match(char *const *list, const char *name);

/* Print every effective setting, its value, source and lock. */
void policy_show(const struct policy *p, FILE *out);

/* The same as a JSON object {NAME: {"value", "locked", "source"}}. */
struct json_t;
struct json_t *policy_json(const struct policy *p);

/* Check the helper the way the policy files are checked (see tamper.c). */
int policy_check_helper(const char *path, struct eci_err *e);

/* Ownership check of one path and all directories above it. */
int policy_check_owner(const char *path, struct eci_err *e);

/**
 * policy_audit() - one JSON line for a refusal or a downgrade
 * @action:  "refused" or "downgraded"
 * @key:     the setting involved, or POL_NKEYS for none
 * @image:   the image, or NULL
 * @detail:  what happened
 */
void policy_audit(const struct policy *p, const char *action, enum pol_key key,
		  const char *image, const char *detail);

/* gate.c: what a container may have mounted from the host */

/* The path the kernel gives for @fd (readlink of /proc/self/fd/N). */
int policy_fd_path(int fd, char *buf, size_t size);

/* Is @path @dir or beneath it, comparing whole components ("/" holds all)? */
bool policy_path_under(const char *path, const char *dir);

/**
 * policy_refuse() - the one refusal message: "WHAT: \"SETTING\" is managed by
 * your administrator (FILE)" or "WHAT: not allowed by \"SETTING\" (FILE)"
 *
 * Audited.  Return: -1.
 */
int policy_refuse(const struct policy *p, enum pol_key k, const char *what, const char *image,
		  struct eci_err *e);

/**
 * policy_check_mount() - may the host object @fd be mounted into a container?
 * @fd:    the source, opened once (O_PATH): the checked object is the mounted one
 * @flag:  what was asked, for the message ("-v /a:/b", "mount /a:/b")
 * @image: the container's image, for dockerSocketMount.imageList (may be NULL)
 * @en:    the engines of this host (policy_engines_scan()), or NULL
 *
 * Refuses (audited) a source that is, holds or is under a path of
 * blockedMounts, or that is or holds an engine's listening socket.
 * Return: 0 or -1.
 */
/**
 * policy_check_host_ns() - may a container share a namespace of the host's?
 * @ns:    "network", "pid", "ipc", "uts", "mount", "cgroup"
 * @flag:  what asked for it ("--network host", "config.json")
 * @image: the container's image, for the audit (may be NULL)
 *
 * Never under enhancedContainerIsolation; without it, only where
 * allowHostNamespaces says so.  Refusals are audited.
 * Return: 0 or -1.
 */
int policy_check_host_ns(const struct policy *p, const char *ns, const char *flag,
			 const char *image, struct eci_err *e);

struct engines;
int policy_check_mount(const struct policy *p, int fd, const char *flag, const char *image,
		       const struct engines *en, struct eci_err *e);

/* For the fuzzer: defaults, then one administrator file held in memory. */
int policy_defaults(struct policy *p);
int policy_parse_buffer(struct policy *p, const char *buf, size_t len, const char *name,
			struct eci_err *e);

void policy_free(struct policy *p);

#endif
