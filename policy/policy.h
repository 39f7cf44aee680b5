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
 * with a warning — and last, flags: the gate (gate.c) turns a flag that
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
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

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
	POL_ALLOW_KEEP_ID,	/* allowKeepId: bool, --userns keep-id */
	POL_ALLOWED_DEVICES,	/* allowedDevices: [device paths, "c|b MAJOR:MINOR"];
				 * the administrator's alone */
	POL_DEFAULT_NETWORK,	/* defaultNetwork: "auto" | "none" | "pasta" | "slirp4netns" */
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
	const char *source;	/* the file that set it (in sources), or "default" */
};

/*
 * The files a value was set by are kept once each, in @sources, and named
 * by pointer: a path in every value, of up to 1100 bytes each, made the
 * policy 19 KiB, written page by page in every program that loads it.
 */
struct policy {
	struct pol_value v[POL_NKEYS];
	char **sources;
	size_t nsources;
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

/* The digest an image entry pins ("sha256:HEX", "NAME@sha256:HEX"), or NULL. */
const char *policy_image_pin(const char *entry);

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
 * @action:  "refused", "downgraded", or "unchecked" (a rule that could not
 *           be applied: an engine that does not name the image)
 * @key:     the setting involved, or POL_NKEYS for none
 * @image:   the image, or NULL
 * @detail:  what happened
 */
void policy_audit(const struct policy *p, const char *action, enum pol_key key,
		  const char *image, const char *detail);

/* gate.c: the one gate of both front ends (see its Theory of Operation) */

/* Capabilities asked for by one flag, or by one set of config.json. */
struct pol_caps {
	const char *flag;	/* "--cap-add ALL", "config.json process.capabilities.ambient" */
	uint64_t caps;
	bool by_name;		/* named by the user (--cap-add): refused above the ceiling,
				 * never narrowed */
};

/* A host namespace a container would share. */
struct pol_host_ns {
	const char *ns;		/* "network", "pid", "ipc", "uts", "mount" */
	const char *flag;	/* "--network host", "config.json" */
};

/* A port published on the host. */
struct pol_port {
	const char *ip;		/* the host address */
	const char *flag;	/* "-p 0.0.0.0:8080:80" */
};

/* A host device to be given to the container, opened once (O_PATH). */
struct pol_device {
	int fd;
	const char *flag;	/* "--device /dev/fuse" */
};

/* A flag that would override, for this container, a setting the administrator may lock. */
struct pol_override {
	enum pol_key key;	/* POL_SECCOMP (@s) or POL_NNP (@b) */
	const char *flag;	/* "--security-opt seccomp=unconfined" */
	const char *s;
	bool b;
};

/* A host object to be mounted, opened once: the object judged is the one mounted. */
struct pol_mount {
	int fd;			/* O_PATH */
	const char *flag;	/* "-v /a:/b", "mount /a" */
};

/*
 * One container as the gate sees it, filled by its front end.  Arrays
 * belong to the caller; every count may be 0.
 */
struct pol_request {
	const char *image;		/* the name asked for, or NULL when the front end
					 * was told none (an engine that passes no name) */
	const char *digest;		/* "sha256:…" of its manifest, or NULL; filled only
					 * as far as the front end knows it for sure */
	const char *config_digest;	/* "sha256:…" of its config, or NULL; the same */
	const char *privileged;		/* the flag that asks for every capability, or NULL */
	const struct pol_caps *asks;	/* capabilities asked for, flag by flag */
	size_t nasks;
	uint64_t caps;			/* in: the set the container would hold;
					 * out: that set within the ceiling */
	const struct pol_host_ns *host_ns;
	size_t nhost_ns;
	const char *network;		/* the network mode asked for, or NULL (the engine's) */
	const char *network_flag;	/* "--network pasta" */
	const char *keep_id;		/* "--userns keep-id", or NULL */
	const struct pol_port *ports;
	size_t nports;
	const struct pol_override *overrides;
	size_t noverrides;
	const struct pol_mount *mounts;
	size_t nmounts;
	const struct pol_device *devices;
	size_t ndevices;
	pid_t engine;			/* eci-runc: the process that runs it, whose
					 * engine must not listen on TCP without TLS; 0: none */
};

/**
 * policy_gate() - may this container be made?  The one check of both front ends
 * @p: the effective policy
 * @r: the container; @r->caps is narrowed to the capability ceiling
 * @e: the refusal, in the words of policy_refuse()
 *
 * Every refusal and every narrowing is audited.  Runs before any namespace
 * exists.
 * Return: 0 or -1.
 */
int policy_gate(const struct policy *p, struct pol_request *r, struct eci_err *e);

/**
 * policy_gate_fetch() - may this image be fetched from its registry?
 * @ref:    the full reference (registry/name:tag or registry/name@digest)
 * @digest: the digest the reference carries, or NULL
 *
 * allowedImages, judged before any request leaves the host: a pattern
 * over @ref, or a pin equal to @digest.  The image is judged again by
 * policy_gate() when it runs.  Audited.  Return: 0 or -1.
 */
int policy_gate_fetch(const struct policy *p, const char *ref, const char *digest,
		      struct eci_err *e);

/* Does allowedImages (or dockerSocketMount.imageList) pin an image by
 * digest?  Then the front end must prove the image's digests before
 * policy_gate() (eci-run re-hashes them). */
bool policy_images_pinned(const struct policy *p);

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

/* For the fuzzer: defaults, then one administrator file held in memory. */
int policy_defaults(struct policy *p);
int policy_parse_buffer(struct policy *p, const char *buf, size_t len, const char *name,
			struct eci_err *e);

void policy_free(struct policy *p);

#endif
