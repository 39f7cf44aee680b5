// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_gate.c - policy_gate(), the one gate of both front ends, as a pure
 * function: a policy held in memory, a request as eci-run or eci-runc
 * fills it, the refusal's words or the capability set that comes back.
 * Nothing here is mounted, so no engine is looked for.
 */
#include <fcntl.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capset.h"
#include "policy.h"
#include "unit.h"

#define CAP(c) (1ULL << (c))
#define FILE_ "50-test.json"

static struct policy pol;

/* The defaults, then @json as the administrator's file 50-test.json. */
static void admin(const char *json)
{
	struct eci_err e;
	char buf[2048];

	snprintf(buf, sizeof(buf), "{\"auditLog\": {\"value\": \"/dev/null\"}%s%s}",
		 *json ? ", " : "", json);
	policy_free(&pol);	/* a test's earlier one */
	memset(&pol, 0, sizeof(pol));
	ck_assert_int_eq(policy_defaults(&pol), 0);
	ck_assert_msg(policy_parse_buffer(&pol, buf, strlen(buf), FILE_, &e) == 0, "%s", e.msg);
}

static void teardown(void)
{
	policy_free(&pol);
}

/* The gate refuses @r with exactly @words. */
static void refused(struct pol_request *r, const char *words)
{
	struct eci_err e = { 0 };

	ck_assert_int_eq(policy_gate(&pol, r, &e), -1);
	ck_assert_str_eq(e.msg, words);
}

static void admitted(struct pol_request *r)
{
	struct eci_err e = { 0 };

	ck_assert_msg(policy_gate(&pol, r, &e) == 0, "refused: %s", e.msg);
}

/* eci-run's --cap-add NAME */
static struct pol_request cap_add(struct pol_caps *c, const char *flag, uint64_t caps)
{
	*c = (struct pol_caps){ .flag = flag, .caps = caps, .by_name = true };
	return (struct pol_request){ .image = "default", .asks = c, .nasks = 1,
				     .caps = caps_default() | caps };
}

/* eci-runc's five sets: @set in each, @extra in @which only */
static struct pol_request engine(struct pol_caps c[5], uint64_t set, int which, uint64_t extra)
{
	static const char *const names[] = { "bounding", "effective", "inheritable", "permitted",
					     "ambient" };
	static char flags[5][64];

	for (int i = 0; i < 5; i++) {
		snprintf(flags[i], sizeof(flags[i]), "config.json process.capabilities.%s", names[i]);
		c[i] = (struct pol_caps){ .flag = flags[i], .caps = set | (i == which ? extra : 0) };
	}
	return (struct pol_request){ .asks = c, .nasks = 5, .caps = c[0].caps };
}

/* The default policy: every capability, however asked. */
START_TEST(default_policy_allows_every_capability)
{
	struct pol_caps c[5];
	struct pol_request r = cap_add(c, "--cap-add ALL", caps_all());

	admin("");
	admitted(&r);
	ck_assert_uint_eq(r.caps, caps_all());
	r = engine(c, caps_all(), 0, 0);
	r.privileged = "--privileged";
	admitted(&r);
	ck_assert_uint_eq(r.caps, caps_all());
}
END_TEST

/* allowPrivileged false: nothing beyond the default set, whichever flag asks. */
START_TEST(no_privileged_means_default_set)
{
	struct pol_caps c[5];
	struct pol_request r = cap_add(c, "--cap-add ALL", caps_all());

	admin("\"allowPrivileged\": {\"value\": false, \"locked\": true}");
	refused(&r, "--cap-add ALL: \"allowPrivileged\" is managed by your administrator ("
		FILE_ ")");
	r = cap_add(c, "--cap-add SYS_ADMIN", CAP(CAP_SYS_ADMIN));
	refused(&r, "--cap-add SYS_ADMIN: \"allowPrivileged\" is managed by your administrator ("
		FILE_ ")");
	r = cap_add(c, "--cap-add CHOWN", CAP(CAP_CHOWN));
	admitted(&r);
	ck_assert_uint_eq(r.caps, caps_default());
	r = (struct pol_request){ .privileged = "--privileged", .caps = caps_all() };
	refused(&r, "--privileged: \"allowPrivileged\" is managed by your administrator ("
		FILE_ ")");
	/* docker run --cap-add ALL --cap-drop SYS_MODULE */
	r = engine(c, caps_all() & ~CAP(CAP_SYS_MODULE), -1, 0);
	refused(&r, "capability CAP_DAC_READ_SEARCH in config.json process.capabilities.bounding: "
		"\"allowPrivileged\" is managed by your administrator (" FILE_ ")");
	/* any of the five sets asks */
	r = engine(c, caps_default(), 4, CAP(CAP_SYS_ADMIN));
	refused(&r, "capability CAP_SYS_ADMIN in config.json process.capabilities.ambient: "
		"\"allowPrivileged\" is managed by your administrator (" FILE_ ")");
	r = engine(c, caps_default(), 2, CAP(CAP_NET_ADMIN));
	refused(&r, "capability CAP_NET_ADMIN in config.json process.capabilities.inheritable: "
		"\"allowPrivileged\" is managed by your administrator (" FILE_ ")");
	r = engine(c, caps_default(), -1, 0);
	admitted(&r);
	ck_assert_uint_eq(r.caps, caps_default());
}
END_TEST

/* What the administrator names is held, with allowPrivileged false too. */
START_TEST(named_capabilities_with_no_privileged)
{
	struct pol_caps c[5];
	struct pol_request r = cap_add(c, "--cap-add SYS_PTRACE", CAP(CAP_SYS_PTRACE));

	admin("\"allowPrivileged\": {\"value\": false}, "
	      "\"allowedCapabilities\": {\"value\": [\"ALL\", \"SYS_PTRACE\"], \"locked\": true}");
	admitted(&r);
	ck_assert_uint_eq(r.caps, caps_default() | CAP(CAP_SYS_PTRACE));
	r = engine(c, caps_default(), 3, CAP(CAP_SYS_PTRACE));
	admitted(&r);
	r = cap_add(c, "--cap-add NET_ADMIN", CAP(CAP_NET_ADMIN));
	refused(&r, "--cap-add NET_ADMIN: not allowed by \"allowPrivileged\" (" FILE_ ")");
}
END_TEST

/* A list without ALL: above it, --cap-add is refused, the rest narrowed. */
START_TEST(list_ceiling_narrows_or_refuses)
{
	struct pol_caps c[5];
	struct pol_request r = cap_add(c, "--cap-add NET_ADMIN", CAP(CAP_NET_ADMIN));

	admin("\"allowedCapabilities\": {\"value\": [\"CHOWN\", \"KILL\", \"NET_RAW\"], "
	      "\"locked\": true}");
	refused(&r, "--cap-add NET_ADMIN: \"allowedCapabilities\" is managed by your "
		"administrator (" FILE_ ")");
	/* allowPrivileged true (the default): the engine's sets are narrowed */
	r = engine(c, caps_all(), -1, 0);
	admitted(&r);
	ck_assert_uint_eq(r.caps, CAP(CAP_CHOWN) | CAP(CAP_KILL) | CAP(CAP_NET_RAW));
	r = (struct pol_request){ .privileged = "--privileged", .caps = caps_all() };
	admitted(&r);
	ck_assert_uint_eq(r.caps, CAP(CAP_CHOWN) | CAP(CAP_KILL) | CAP(CAP_NET_RAW));
	/* with allowPrivileged false, the engine's ask is refused instead */
	admin("\"allowPrivileged\": {\"value\": false, \"locked\": true}, "
	      "\"allowedCapabilities\": {\"value\": [\"CHOWN\"]}");
	r = engine(c, caps_default() | CAP(CAP_SYS_TIME), -1, 0);
	refused(&r, "capability CAP_SYS_TIME in config.json process.capabilities.bounding: "
		"\"allowPrivileged\" is managed by your administrator (" FILE_ ")");
	/* the default set beyond the list: nobody asked, so it is narrowed */
	r = engine(c, caps_default(), -1, 0);
	admitted(&r);
	ck_assert_uint_eq(r.caps, CAP(CAP_CHOWN));
}
END_TEST

START_TEST(unknown_capability_in_policy)
{
	struct pol_caps c[5];
	struct pol_request r = cap_add(c, "--cap-add CHOWN", CAP(CAP_CHOWN));

	admin("\"allowedCapabilities\": {\"value\": [\"CHOWN\", \"NOSUCH\"]}");
	refused(&r, "policy " FILE_ ": allowedCapabilities NOSUCH: unknown capability");
}
END_TEST

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"

/* A pin admits a digest, whatever the name; a name never admits a pin. */
START_TEST(images_pinned_by_digest)
{
	struct pol_request r = { .image = "alpine", .digest = D1, .config_digest = D2 };

	admin("\"allowedImages\": {\"value\": [\"alpine@" D1 "\"], \"locked\": true}");
	ck_assert(policy_images_pinned(&pol));
	admitted(&r);
	r.image = "whatever-the-user-called-it";
	admitted(&r);
	r.digest = D2;
	refused(&r, "image whatever-the-user-called-it: \"allowedImages\" is managed by your "
		"administrator (" FILE_ ")");
	r = (struct pol_request){ .image = "alpine" };	/* a name proves nothing */
	refused(&r, "image alpine: \"allowedImages\" is managed by your administrator (" FILE_ ")");
	admin("\"allowedImages\": {\"value\": [\"" D2 "\"]}");	/* the config's digest */
	r = (struct pol_request){ .image = "x", .digest = D1, .config_digest = D2 };
	admitted(&r);
}
END_TEST

START_TEST(images_by_name_pattern)
{
	struct pol_request r = { .image = "alpine", .digest = D1 };

	admin("\"allowedImages\": {\"value\": [\"alpine:*\"]}");
	ck_assert(!policy_images_pinned(&pol));
	admitted(&r);	/* "alpine" is "alpine:latest" */
	r.image = "busybox:1";
	refused(&r, "image busybox:1: not allowed by \"allowedImages\" (" FILE_ ")");
	r.image = D1;	/* a digest as a name is no pin */
	refused(&r, "image " D1 ": not allowed by \"allowedImages\" (" FILE_ ")");
}
END_TEST

/* An engine that passes no identity: admitted while the list is restrictive too. */
START_TEST(images_unknown_identity)
{
	struct pol_request r = { 0 };

	admin("\"allowedImages\": {\"value\": [\"" D1 "\"], \"locked\": true}");
	admitted(&r);
	admin("");
	admitted(&r);
}
END_TEST

START_TEST(locked_settings_against_flags)
{
	struct pol_override o[2] = {
		{ .key = POL_SECCOMP, .flag = "--security-opt seccomp=unconfined", .s = "unconfined" },
		{ .key = POL_NNP, .flag = "--security-opt no-new-privileges=false", .b = false },
	};
	struct pol_request r = { .image = "default", .overrides = o, .noverrides = 1 };

	admin("\"seccompProfile\": {\"value\": \"default\"}");
	admitted(&r);	/* not locked: the flag decides */
	admin("\"seccompProfile\": {\"value\": \"default\", \"locked\": true}, "
	      "\"noNewPrivileges\": {\"value\": true, \"locked\": true}");
	refused(&r, "--security-opt seccomp=unconfined: \"seccompProfile\" is managed by your "
		"administrator (" FILE_ ")");
	o[0].s = "default";	/* what the lock holds anyway */
	r.noverrides = 2;
	refused(&r, "--security-opt no-new-privileges=false: \"noNewPrivileges\" is managed by "
		"your administrator (" FILE_ ")");
	o[1].b = true;
	admitted(&r);
}
END_TEST

START_TEST(namespaces_networks_ports)
{
	struct pol_host_ns h = { .ns = "pid", .flag = "config.json" };
	struct pol_port p = { .ip = "0.0.0.0", .flag = "-p 0.0.0.0:80:80" };
	struct pol_request r = { .host_ns = &h, .nhost_ns = 1 };

	admin("");
	refused(&r, "config.json: the host pid namespace is not allowed under enhanced container "
		"isolation (\"enhancedContainerIsolation\", default)");
	admin("\"enhancedContainerIsolation\": {\"value\": false}, "
	      "\"allowHostNamespaces\": {\"value\": true}");
	admitted(&r);
	admin("\"allowedNetworks\": {\"value\": [\"none\"], \"locked\": true}");
	r = (struct pol_request){ .network = "pasta", .network_flag = "--network pasta" };
	refused(&r, "--network pasta: \"allowedNetworks\" is managed by your administrator ("
		FILE_ ")");
	r = (struct pol_request){ .network = "none", .ports = &p, .nports = 1 };
	refused(&r, "-p 0.0.0.0:80:80: not allowed by \"allowPublicPorts\" (default)");
	p.ip = "127.0.0.1";
	admitted(&r);
}
END_TEST

/* --userns keep-id: allowed by default; allowKeepId false refuses it, naming
 * the setting and the file, locked or not (unlocked, the user's own
 * settings may set it true again). */
START_TEST(keep_id)
{
	struct pol_request r = { .image = "default", .keep_id = "--userns keep-id" };

	admin("");
	admitted(&r);
	admin("\"allowKeepId\": {\"value\": false}");
	refused(&r, "--userns keep-id: not allowed by \"allowKeepId\" (" FILE_ ")");
	admin("\"allowKeepId\": {\"value\": false, \"locked\": true}");
	refused(&r, "--userns keep-id: \"allowKeepId\" is managed by your administrator (" FILE_
		")");
	r.keep_id = NULL;	/* a container without it is no concern of the setting */
	admitted(&r);
	admin("\"allowKeepId\": {\"value\": true, \"locked\": true}");
	r.keep_id = "--userns keep-id";
	admitted(&r);
}
END_TEST

/* --device: judged by the device an open node is, by path entry or by number */
START_TEST(devices_by_what_they_are)
{
	int null = open("/dev/null", O_PATH | O_CLOEXEC), zero = open("/dev/zero", O_PATH | O_CLOEXEC);
	int file = open("/proc/self/status", O_PATH | O_CLOEXEC);
	struct pol_device d = { .fd = null, .flag = "--device /x/mynull" };
	struct pol_request r = { .image = "default", .devices = &d, .ndevices = 1 };

	ck_assert_int_ge(null, 0);
	ck_assert_int_ge(zero, 0);
	ck_assert_int_ge(file, 0);
	admin("");
	refused(&r, "--device /x/mynull (c 1:3): not allowed by \"allowedDevices\" (default)");
	admin("\"allowedDevices\": {\"value\": [\"/dev/null\"]}");
	admitted(&r);
	d.fd = zero;	/* another device, whatever its name */
	refused(&r, "--device /x/mynull (c 1:5): not allowed by \"allowedDevices\" (" FILE_ ")");
	admin("\"allowedDevices\": {\"value\": [\"c 1:5\"], \"locked\": true}");
	admitted(&r);
	d.fd = null;
	refused(&r, "--device /x/mynull (c 1:3): \"allowedDevices\" is managed by your "
		"administrator (" FILE_ ")");
	admin("\"allowedDevices\": {\"value\": [\"b 1:3\"]}");	/* a block device 1:3 */
	refused(&r, "--device /x/mynull (c 1:3): not allowed by \"allowedDevices\" (" FILE_ ")");
	d.fd = file;
	refused(&r, "--device /x/mynull: not a device node");
	d.fd = null;
	admin("\"allowedDevices\": {\"value\": [\"null\"]}");
	refused(&r, "policy " FILE_ ": \"allowedDevices\" entry \"null\": expected a device's path "
		"or \"c MAJOR:MINOR\" or \"b MAJOR:MINOR\"");
	close(null);
	close(zero);
	close(file);
}
END_TEST

/* The user's settings cannot give a device: only the administrator's files */
START_TEST(devices_not_from_user_settings)
{
	char path[] = "/tmp/eci-t-settings.XXXXXX";
	const char *json = "{\"allowedDevices\": [\"/dev/null\"]}";
	struct eci_err e = { 0 };
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, json, strlen(json)), (ssize_t)strlen(json));
	close(fd);
	admin("");
	ck_assert_int_eq(policy_load_user(&pol, path, &e), 0);
	unlink(path);
	ck_assert_uint_eq(pol.v[POL_ALLOWED_DEVICES].n, 0);
	ck_assert_str_eq(pol.v[POL_ALLOWED_DEVICES].source, "default");
}
END_TEST

Suite *gate_suite(void)
{
	Suite *s = suite_create("gate");
	TCase *tc = tcase_create("policy_gate");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, default_policy_allows_every_capability);
	tcase_add_test(tc, no_privileged_means_default_set);
	tcase_add_test(tc, named_capabilities_with_no_privileged);
	tcase_add_test(tc, list_ceiling_narrows_or_refuses);
	tcase_add_test(tc, unknown_capability_in_policy);
	tcase_add_test(tc, images_pinned_by_digest);
	tcase_add_test(tc, images_by_name_pattern);
	tcase_add_test(tc, images_unknown_identity);
	tcase_add_test(tc, locked_settings_against_flags);
	tcase_add_test(tc, namespaces_networks_ports);
	tcase_add_test(tc, keep_id);
	tcase_add_test(tc, devices_by_what_they_are);
	tcase_add_test(tc, devices_not_from_user_settings);
	suite_add_tcase(s, tc);
	return s;
}
