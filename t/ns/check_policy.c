// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_policy.c - the administrator's policy.d and the user's settings,
 * seen by a user: merge order, locks against the user's file and against
 * flags, each setting's effect on a real container, malformed and tampered
 * policy, eci-run policy show, and the audit line of every refusal
 *
 * The installed eci-run reads only the compiled-in policy.d, which a test
 * cannot write; these tests run the test build, $ECI_PREFIX/t/
 * eci-run-policytest, which reads $ECI_POLICY_DIR (with the same ownership
 * checks) and finds the test build of the helper beside it.  Every scenario
 * is one root-owned policy.d under $ECI_POLICY_ROOT, made by
 * t/policy/prepare.sh when the build is staged; without them (no root to
 * stage) every test here is skipped, loudly.  Each scenario sets
 * "auditLog": "stderr", so that a refusal's audit line can be read here.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns.h"
#include "run.h"
#include "tap.h"
#include "util.h"

#define DOCKER_CAPS 0xa80425fbULL
/* t/policy/caps: Docker's default capabilities and SYS_PTRACE (19). */
#define CEILING (DOCKER_CAPS | 1ULL << 19)

static const char *policy_root(void)
{
	const char *r = getenv("ECI_POLICY_ROOT");

	return r && *r ? r : NULL;
}

static const char *launcher(char *buf, size_t size)
{
	snprintf(buf, size, "%s/t/eci-run-policytest", t_prefix());
	return buf;
}

/* "$ECI_POLICY_ROOT/SCENARIO[/FILE]" */
static const char *admin(char *buf, size_t size, const char *scenario, const char *file)
{
	snprintf(buf, size, "%s/%s%s%s", policy_root(), scenario, file ? "/" : "", file ? file : "");
	return buf;
}

/* Read the policy of @scenario, and no user settings (not even the
 * account's own): each test is a fork of its own, so this is its alone. */
static void use(const char *scenario)
{
	char dir[4096];

	ck_assert_int_eq(setenv("ECI_POLICY_DIR", admin(dir, sizeof(dir), scenario, NULL), 1), 0);
	ck_assert_int_eq(setenv("XDG_CONFIG_HOME", "/nonexistent/eci-t-config", 1), 0);
}

/* The user's settings file, in a new $XDG_CONFIG_HOME; @dir receives it. */
static void user_settings(char dir[64], const char *json, char *file, size_t size)
{
	char sub[4096];
	int fd;

	snprintf(dir, 64, "/tmp/eci-t-config.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/eci", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	snprintf(file, size, "%s/settings.json", sub);
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write_all(fd, json, strlen(json)), 0);
	close(fd);
	ck_assert_int_eq(setenv("XDG_CONFIG_HOME", dir, 1), 0);
}

static void user_settings_rm(const char *dir, const char *file)
{
	char sub[4096];

	snprintf(sub, sizeof(sub), "%s/eci", dir);
	unlink(file);
	rmdir(sub);
	rmdir(dir);
}

/* Run the test launcher with extra flags and a shell script in @image. */
static void eci_image(const char *flags, const char *image, const char *script,
		      struct run_result *r)
{
	char bin[4096];

	t_eci_sh(launcher(bin, sizeof(bin)), flags, image, script, r);
}

static void eci(const char *flags, const char *script, struct run_result *r)
{
	eci_image(flags, "default", script, r);
}

static void show(bool json, struct run_result *r)
{
	char bin[4096];
	char *argv[] = { (char *)launcher(bin, sizeof(bin)), (char *)"policy", (char *)"show",
			 (char *)(json ? "--json" : NULL), NULL };

	ck_assert_int_eq(t_run(argv, r), 0);
}

/* A line of @err that is a JSON object with this action and setting. */
static void audited(const char *err, const char *action, const char *setting)
{
	for (const char *l = err; *l;) {
		size_t n = strcspn(l, "\n");
		json_t *j = json_loadb(l, n, 0, NULL);
		const char *a = json_string_value(json_object_get(j, "action"));
		const char *s = json_string_value(json_object_get(j, "setting"));
		bool hit = a && s && !strcmp(a, action) && !strcmp(s, setting);

		json_decref(j);
		if (hit)
			return;
		l += n + (l[n] == '\n');
	}
	ck_abort_msg("no audit line {\"action\":\"%s\",\"setting\":\"%s\"} in: %s", action, setting,
		     err);
}

/*
 * Refused: exit 125, @words on stderr, nothing run, and (for @setting) the
 * audit line of the refusal.
 */
static void refused_image(const char *flags, const char *image, const char *words,
			  const char *setting)
{
	struct run_result r;

	eci_image(flags, image, "echo started", &r);
	ck_assert_msg(r.status == 125, "%s: exit %d: %s", flags, r.status, r.err);
	ck_assert_msg(strstr(r.err, words), "%s: stderr lacks '%s': %s", flags, words, r.err);
	ck_assert_ptr_null(strstr(r.out, "started"));
	if (setting)
		audited(r.err, "refused", setting);
	t_run_free(&r);
}

static void refused(const char *flags, const char *words, const char *setting)
{
	refused_image(flags, "default", words, setting);
}

static void expect_out(const char *flags, const char *script, const char *want)
{
	struct run_result r;

	eci(flags, script, &r);
	ck_assert_msg(r.status == 0, "%s: exit %d: %s", flags, r.status, r.err);
	ck_assert_str_eq(r.out, want);
	t_run_free(&r);
}

static unsigned long long status_hex(const char *out, const char *key)
{
	const char *p = strstr(out, key);

	ck_assert_msg(p, "no %s in: %s", key, out);
	return strtoull(p + strlen(key), NULL, 16);
}

/* Effective and bounding capabilities of the container's shell; @err
 * (if not NULL) receives its stderr, to be freed. */
static void caps_are(const char *flags, unsigned long long want, char **err)
{
	struct run_result r;

	eci(flags, "grep ^Cap /proc/self/status", &r);
	ck_assert_msg(r.status == 0, "%s: exit %d: %s", flags, r.status, r.err);
	ck_assert_uint_eq(status_hex(r.out, "CapEff:\t"), want);
	ck_assert_uint_eq(status_hex(r.out, "CapBnd:\t"), want);
	if (err) {
		*err = r.err;
		r.err = NULL;
	}
	t_run_free(&r);
}

/*
 * The row of @name in the text of policy show: its LOCKED and SOURCE
 * columns, and the VALUE after them.
 */
static void row_is(const char *out, const char *name, const char *locked, const char *source,
		   const char *value)
{
	char key[64], lk[16], src[1200], *line;
	const char *p = out;
	size_t n;
	int at;

	snprintf(key, sizeof(key), "\n%s ", name);
	p = strstr(out, key);
	ck_assert_msg(p, "no row %s in: %s", name, out);
	n = strcspn(p + 1, "\n");
	line = strndup(p + 1, n);
	ck_assert_int_eq(sscanf(line, "%*s %15s %1199s %n", lk, src, &at), 2);
	ck_assert_str_eq(lk, locked);
	ck_assert_str_eq(src, source);
	ck_assert_str_eq(line + at, value);
	free(line);
}

/* Two files: the later one wins, setting by setting, and is the source. */
START_TEST(merge_later_file_wins)
{
	char first[4096], second[4096];
	struct run_result r;

	use("merge");
	admin(first, sizeof(first), "merge", "10-first.json");
	admin(second, sizeof(second), "merge", "20-second.json");
	/* 10-first.json locks allowPrivileged false; 20-second.json allows it. */
	caps_are("--privileged", t_all_caps(), NULL);
	show(false, &r);
	ck_assert_msg(r.status == 0, "%s", r.err);
	row_is(r.out, "allowPrivileged", "-", second, "true");
	row_is(r.out, "noNewPrivileges", "locked", first, "true");	/* only in the first */
	row_is(r.out, "auditLog", "-", first, "stderr");
	row_is(r.out, "seccompProfile", "-", "default", "default");
	t_run_free(&r);
}
END_TEST

/* A locked setting keeps the administrator's value whatever the user's
 * file says, with a warning naming both files. */
START_TEST(lock_beats_user_file)
{
	char dir[64], file[4200], locks[4096], want[8600];
	struct run_result r;

	use("locks");
	admin(locks, sizeof(locks), "locks", "50-locks.json");
	user_settings(dir, "{\"allowPrivileged\": true, \"seccompProfile\": \"unconfined\"}", file,
		      sizeof(file));
	eci("", "grep ^Seccomp: /proc/self/status", &r);
	ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, "Seccomp:\t2\n");	/* the filter is still loaded */
	snprintf(want, sizeof(want), "eci-run: warning: %s: \"allowPrivileged\" is managed by your "
		 "administrator (%s): your value is ignored\n", file, locks);
	ck_assert_msg(strstr(r.err, want), "no '%s' in: %s", want, r.err);
	snprintf(want, sizeof(want), "eci-run: warning: %s: \"seccompProfile\" is managed by your "
		 "administrator (%s): your value is ignored\n", file, locks);
	ck_assert_msg(strstr(r.err, want), "no '%s' in: %s", want, r.err);
	t_run_free(&r);
	refused("--privileged", "\"allowPrivileged\" is managed by your administrator",
		"allowPrivileged");
	show(false, &r);
	row_is(r.out, "allowPrivileged", "locked", locks, "false");
	row_is(r.out, "seccompProfile", "locked", locks, "default");
	t_run_free(&r);
	user_settings_rm(dir, file);
}
END_TEST

/* What the administrator did not lock, the user's file changes. */
START_TEST(unlocked_user_file_applies)
{
	char dir[64], file[4200], src[4096], want[8192];
	struct run_result r;

	use("unlocked");
	snprintf(want, sizeof(want), "eci-run: --privileged: not allowed by \"allowPrivileged\" (%s)\n",
		 admin(src, sizeof(src), "unlocked", "50-unlocked.json"));
	refused("--privileged", want, "allowPrivileged");
	user_settings(dir, "{\"allowPrivileged\": true}", file, sizeof(file));
	caps_are("--privileged", t_all_caps(), NULL);
	show(false, &r);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_null(strstr(r.err, "warning"));
	row_is(r.out, "allowPrivileged", "-", file, "true");
	t_run_free(&r);
	user_settings_rm(dir, file);
}
END_TEST

/* A flag that would change a locked setting is refused, naming the file. */
START_TEST(lock_refuses_flags)
{
	char locks[4096], want[8192];

	use("locks");
	admin(locks, sizeof(locks), "locks", "50-locks.json");
	snprintf(want, sizeof(want), "eci-run: --privileged: \"allowPrivileged\" is managed by your "
		 "administrator (%s)\n", locks);
	refused("--privileged", want, "allowPrivileged");
	snprintf(want, sizeof(want), "seccomp=unconfined: \"seccompProfile\" is managed by your "
		 "administrator (%s)\n", locks);
	refused("--security-opt seccomp=unconfined", want, "seccompProfile");
	want[strlen("seccomp")] = ':';	/* the older KEY:VALUE form, named as given */
	refused("--security-opt seccomp:unconfined", want, "seccompProfile");
	snprintf(want, sizeof(want), "no-new-privileges=false: \"noNewPrivileges\" is managed by "
		 "your administrator (%s)\n", locks);
	refused("--security-opt no-new-privileges=false", want, "noNewPrivileges");
	/* Asking for what the lock holds anyway is no change. */
	expect_out("--security-opt no-new-privileges=true --security-opt seccomp=default",
		   "grep -E \"^NoNewPrivs|^Seccomp:\" /proc/self/status",
		   "NoNewPrivs:\t1\nSeccomp:\t2\n");
}
END_TEST

/* allowedImages against the name as given and with ":latest" added. */
START_TEST(images_by_tag_pattern)
{
	char src[4096], want[8192];
	struct run_result r;

	use("images");	/* ["alpine:*", "default:stable"] */
	snprintf(want, sizeof(want), "eci-run: image default: \"allowedImages\" is managed by your "
		 "administrator (%s)\n", admin(src, sizeof(src), "images", "50-images.json"));
	refused("", want, "allowedImages");
	eci("", "true", &r);
	ck_assert_msg(strstr(r.err, "\"image\":\"default\""), "audit names no image: %s", r.err);
	t_run_free(&r);
	use("tags");	/* ["def*:latest"]: "default" is "default:latest" */
	expect_out("", "echo ran", "ran\n");
}
END_TEST

/*
 * Another manifest over the same layers as @layout, in @dir: its digest
 * differs from the default image's, nothing else does.
 */
static void other_manifest(const char *layout, const char *dir)
{
	char script[8192];
	struct run_result r;
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", script, NULL };

	snprintf(script, sizeof(script),
		 "set -e; l='%s'; d='%s'; mkdir -p \"$d/blobs/sha256\"; cp \"$l/oci-layout\" \"$d/\"; "
		 "cp \"$l\"/blobs/sha256/* \"$d/blobs/sha256/\"; "
		 "m=$(sed -n 's/.*\"digest\":\"sha256:\\([0-9a-f]*\\)\".*/\\1/p' \"$l/index.json\"); "
		 "sed 's/}$/,\"annotations\":{\"eci.test\":\"other\"}}/' \"$l/blobs/sha256/$m\" "
		 ">\"$d/m\"; h=$(sha256sum \"$d/m\" | cut -d' ' -f1); n=$(wc -c <\"$d/m\"); "
		 "mv \"$d/m\" \"$d/blobs/sha256/$h\"; printf '{\"schemaVersion\":2,\"manifests\":"
		 "[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":"
		 "\"sha256:%%s\",\"size\":%%d}]}' \"$h\" \"$n\" >\"$d/index.json\"; "
		 "[ \"$h\" != \"$m\" ]", layout, dir);
	ck_assert_int_eq(t_run(argv, &r), 0);
	ck_assert_msg(r.status == 0, "%s", r.err);
	t_run_free(&r);
}

/* allowedImages holding only the default image's manifest digest: that
 * image runs under any name, another image does not. */
START_TEST(images_by_digest_pin)
{
	char layout[4096], other[] = "/tmp/eci-t-image.XXXXXX", want[8192], src[4096];
	struct run_result r;

	use("pin");
	snprintf(layout, sizeof(layout), "%s/share/eci/images/default", t_prefix());
	expect_out("", "echo ran", "ran\n");
	eci_image("", layout, "echo ran", &r);	/* a path: no name the policy lists */
	ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, "ran\n");
	t_run_free(&r);
	ck_assert_ptr_nonnull(mkdtemp(other));
	other_manifest(layout, other);
	snprintf(want, sizeof(want), "eci-run: image %s: \"allowedImages\" is managed by your "
		 "administrator (%s)\n", other, admin(src, sizeof(src), "pin", "50-pin.json"));
	refused_image("", other, want, "allowedImages");
	ck_assert_int_eq(rm_rf_at(AT_FDCWD, other), 0);
}
END_TEST

/* eci-run image import DIR --name NAME, under an empty policy. */
static void import_as(const char *dir, const char *name)
{
	char bin[4096];
	char *argv[] = { (char *)launcher(bin, sizeof(bin)), (char *)"image", (char *)"import",
			 (char *)dir, (char *)"--name", (char *)name, NULL };
	struct run_result r;

	use("none");
	ck_assert_int_eq(t_run(argv, &r), 0);
	ck_assert_msg(r.status == 0, "import %s as %s: exit %d: %s", dir, name, r.status, r.err);
	t_run_free(&r);
}

static void image_rm(const char *name)
{
	char bin[4096];
	char *argv[] = { (char *)launcher(bin, sizeof(bin)), (char *)"image", (char *)"rm",
			 (char *)name, NULL };
	struct run_result r;

	use("none");
	t_run(argv, &r);
	t_run_free(&r);
}

/*
 * A pin names content, not a name: "eci-t-pinned@DIGEST" admits the
 * default image under any name, and refuses another image that the user
 * imported as eci-t-pinned.
 */
START_TEST(images_pin_ignores_chosen_name)
{
	char layout[4096], other[] = "/tmp/eci-t-image.XXXXXX", want[8192], src[4096];

	snprintf(layout, sizeof(layout), "%s/share/eci/images/default", t_prefix());
	ck_assert_ptr_nonnull(mkdtemp(other));
	other_manifest(layout, other);
	import_as(other, "eci-t-pinned");
	use("pin-named");
	expect_out("", "echo ran", "ran\n");
	snprintf(want, sizeof(want), "eci-run: image eci-t-pinned: \"allowedImages\" is managed by "
		 "your administrator (%s)\n", admin(src, sizeof(src), "pin-named", "50-pin.json"));
	refused_image("", "eci-t-pinned", want, "allowedImages");
	image_rm("eci-t-pinned");
	ck_assert_int_eq(rm_rf_at(AT_FDCWD, other), 0);
}
END_TEST

/* A pin of the config: another manifest of the same config and layers runs too. */
START_TEST(images_pin_config_digest)
{
	char layout[4096], other[] = "/tmp/eci-t-image.XXXXXX";
	struct run_result r;

	use("pin-config");
	expect_out("", "echo ran", "ran\n");
	snprintf(layout, sizeof(layout), "%s/share/eci/images/default", t_prefix());
	ck_assert_ptr_nonnull(mkdtemp(other));
	other_manifest(layout, other);
	eci_image("", other, "echo ran", &r);
	ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, "ran\n");
	t_run_free(&r);
	ck_assert_int_eq(rm_rf_at(AT_FDCWD, other), 0);
}
END_TEST

/*
 * The store is its owner's to write: a user who puts another image's
 * manifest under the pinned digest's name (blobs/sha256/PIN, and a ref to
 * it) gets a refusal, because under a pin the manifest and config are
 * hashed as they are read.
 */
START_TEST(images_pin_forged_blob)
{
	static const char pin[] = "5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed";
	char layout[4096], other[] = "/tmp/eci-t-image.XXXXXX", script[8192];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", script, NULL };
	struct run_result r, forge;

	snprintf(layout, sizeof(layout), "%s/share/eci/images/default", t_prefix());
	ck_assert_ptr_nonnull(mkdtemp(other));
	other_manifest(layout, other);
	import_as(other, "eci-t-forged");
	snprintf(script, sizeof(script),
		 "set -e; s=${XDG_DATA_HOME:-$HOME/.local/share}/eci; "
		 "o=$(cat \"$s/refs/eci-t-forged:latest\"); "
		 "cp \"$s/blobs/sha256/${o#sha256:}\" \"$s/blobs/sha256/%s\"; "
		 "echo sha256:%s > \"$s/refs/eci-t-forged:latest\"", pin, pin);
	ck_assert_int_eq(t_run(argv, &forge), 0);
	use("pin-forged");
	eci_image("", "eci-t-forged", "echo started", &r);
	snprintf(script, sizeof(script), "s=${XDG_DATA_HOME:-$HOME/.local/share}/eci; "
		 "rm -f \"$s/blobs/sha256/%s\"", pin);
	t_run_free(&forge);
	ck_assert_int_eq(t_run(argv, &forge), 0);
	t_run_free(&forge);
	image_rm("eci-t-forged");
	ck_assert_int_eq(rm_rf_at(AT_FDCWD, other), 0);
	ck_assert_msg(r.status == 125, "exit %d: %s", r.status, r.err);
	ck_assert_ptr_null(strstr(r.out, "started"));
	ck_assert_msg(strstr(r.err, "image eci-t-forged: image manifest: blob sha256:"),
		      "%s", r.err);
	ck_assert_msg(strstr(r.err, " is corrupt (its content hashes to sha256:"), "%s", r.err);
	t_run_free(&r);
}
END_TEST

/* A volume that is, holds or is under a blocked path, after realpath. */
START_TEST(mounts_blocked)
{
	char blocked[4096], src[4096], flags[8192], want[8192];
	char dir[] = "/tmp/eci-t-blocked.XXXXXX", link[64];
	struct run_result r;

	use("mounts");
	admin(blocked, sizeof(blocked), "blocked", NULL);
	admin(src, sizeof(src), "mounts", "50-mounts.json");
	snprintf(want, sizeof(want), "the blocked path %s", blocked);
	snprintf(flags, sizeof(flags), "-v %s:/x", blocked);
	refused(flags, want, "blockedMounts");
	snprintf(flags, sizeof(flags), "-v %s/sub:/x:ro", blocked);
	refused(flags, want, "blockedMounts");
	/* --mount type=bind is judged as -v is, by the same check */
	snprintf(flags, sizeof(flags), "--mount type=bind,source=%s,target=/x", blocked);
	refused(flags, want, "blockedMounts");
	snprintf(flags, sizeof(flags), "--mount type=bind,src=%s/sub,dst=/x,readonly", blocked);
	refused(flags, want, "blockedMounts");
	snprintf(flags, sizeof(flags), "-v %s:/x", policy_root());	/* holds it */
	refused(flags, want, "blockedMounts");
	snprintf(flags, sizeof(flags), "\"blockedMounts\" is managed by your administrator (%s)", src);
	refused("-v /tmp/../tmp/../:/x", flags, "blockedMounts");	/* "/" holds everything */
	/* A symlink of the user's to the blocked path is the blocked path. */
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0755), 0);	/* for the container's root, not ours */
	snprintf(link, sizeof(link), "%s/link", dir);
	ck_assert_int_eq(symlink(blocked, link), 0);
	snprintf(flags, sizeof(flags), "-v %s:/x", link);
	refused(flags, want, "blockedMounts");
	/* Its own directory is no blocked path. */
	snprintf(flags, sizeof(flags), "-v %s:/x", dir);
	eci(flags, "ls /x", &r);
	ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, "link\n");
	t_run_free(&r);
	unlink(link);
	rmdir(dir);
}
END_TEST

/*
 * --device: allowed by what the node is (char 10:200 named by its path in
 * the policy, char 1:7 by number), under any name the user gives it, and
 * bound nosuid; anything else refused naming allowedDevices.
 */
START_TEST(devices_allowed)
{
	char src[4096], flags[4096], want[8400], dir[] = "/tmp/eci-t-dev.XXXXXX", link[64];

	use("devices");
	admin(src, sizeof(src), "devices", "50-devices.json");
	expect_out("--device /dev/net/tun", "ls -l /dev/net/tun | cut -c1; ls -l /dev/net/tun | "
		   "grep -o \"10, *200\" | tr -d \" \"; grep -c \" /dev/net/tun rw,nosuid,noexec\" "
		   "/proc/self/mountinfo", "c\n10,200\n1\n");
	/* by number, at another path; /dev/full says so when written */
	expect_out("--device /dev/full:/dev/full2:rwm", "echo x > /dev/full2 2>&1 || echo refused",
		   "refused\n");
	/* a link of the user's making is judged by the device it leads to */
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0755), 0);
	snprintf(link, sizeof(link), "%s/tun", dir);
	ck_assert_int_eq(symlink("/dev/net/tun", link), 0);
	snprintf(flags, sizeof(flags), "--device %s:/dev/tun0", link);
	expect_out(flags, "ls -l /dev/tun0 | grep -o \"10, *200\" | tr -d \" \"", "10,200\n");
	unlink(link);
	ck_assert_int_eq(symlink("/dev/null", link), 0);
	snprintf(flags, sizeof(flags), "--device %s:/dev/net/tun", link);
	snprintf(want, sizeof(want), "--device %s:/dev/net/tun (c 1:3): \"allowedDevices\" is managed "
		 "by your administrator (%s)", link, src);
	refused(flags, want, "allowedDevices");
	unlink(link);
	rmdir(dir);
	if (access("/dev/net/tun", R_OK | W_OK) == 0)
		expect_out("--device /dev/net/tun", "exec 3<>/dev/net/tun && echo opened", "opened\n");
}
END_TEST

START_TEST(devices_refused)
{
	char dir[64], file[4096], src[4096], want[4200];
	struct run_result r;

	use("none");
	refused("--device /dev/net/tun", "--device /dev/net/tun (c 10:200): not allowed by "
		"\"allowedDevices\" (default)", NULL);
	/* the user's own settings cannot allow one */
	user_settings(dir, "{\"allowedDevices\": [\"/dev/net/tun\"]}", file, sizeof(file));
	eci("--device /dev/net/tun", "echo started", &r);
	ck_assert_msg(r.status == 125, "exit %d: %s", r.status, r.err);
	t_has(r.err, "\"allowedDevices\" is set by your administrator only");
	t_has(r.err, "not allowed by \"allowedDevices\" (default)");
	t_run_free(&r);
	user_settings_rm(dir, file);
	use("devices");
	refused("--device /etc/passwd", "--device /etc/passwd: not a device node", NULL);
	refused("--device /nonexistent/dev", "--device /nonexistent/dev: No such file", NULL);
	refused("--device dev/null", "--device dev/null: the host device 'dev/null' must be an "
		"absolute path", NULL);
	refused("--device /dev/net/tun:/dev/tun:r", "--device /dev/net/tun:/dev/tun:r: permissions "
		"'r': eci gives a device as it is, read and write", NULL);
	refused("--device /dev/net/tun:tun0", "--device /dev/net/tun:tun0: destination 'tun0' must "
		"be an absolute path", NULL);
	use("devices-bad");
	admin(src, sizeof(src), "devices-bad", "50-devices.json");
	snprintf(want, sizeof(want), "policy %s: \"allowedDevices\" entry \"tun\": expected a "
		 "device's path", src);
	refused("--device /dev/net/tun", want, NULL);
}
END_TEST

/* Point @link at @a and at @b by turns, atomically, until killed. */
static pid_t flipper(const char *link, const char *a, const char *b)
{
	char tmp[4200];
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid > 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	snprintf(tmp, sizeof(tmp), "%s.tmp", link);
	for (unsigned i = 0;; i++) {
		unlink(tmp);
		if (symlink(i % 2 ? a : b, tmp) < 0 || rename(tmp, link) < 0)
			_exit(1);
	}
}

/*
 * The source checked is the source mounted: a symlink swapped between
 * the check and the mount must not bring the blocked path in.  A race, so
 * tried many times; every run must either be refused or show the harmless
 * directory, never the blocked one (which holds "sub").
 */
START_TEST(mounts_blocked_no_swap)
{
	char blocked[4096], dir[] = "/tmp/eci-t-swap.XXXXXX", ok[64], link[64], flags[128];
	int hits = 0, ran = 0, st;
	struct run_result r;
	pid_t flip;

	use("mounts");
	admin(blocked, sizeof(blocked), "blocked", NULL);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0755), 0);
	snprintf(ok, sizeof(ok), "%s/ok", dir);
	ck_assert_int_eq(mkdir(ok, 0755), 0);
	snprintf(link, sizeof(link), "%s/l", dir);
	ck_assert_int_eq(symlink(ok, link), 0);
	snprintf(flags, sizeof(flags), "-v %s:/x", link);
	flip = flipper(link, blocked, ok);
	for (int i = 0; i < 200; i++) {
		eci(flags, "ls /x", &r);
		ran += r.status == 0;
		hits += r.status == 0 && strstr(r.out, "sub") != NULL;
		t_run_free(&r);
	}
	kill(flip, SIGKILL);
	waitpid(flip, &st, 0);
	ck_assert_int_eq(rm_rf_at(AT_FDCWD, dir), 0);
	ck_assert_msg(hits == 0, "the blocked path was mounted in %d of 200 runs (%d ran)", hits,
		      ran);
}
END_TEST

/* allowedCapabilities is a ceiling: --cap-add above it is refused. */
START_TEST(caps_ceiling)
{
	char src[4096], want[8192], *err = NULL;

	use("caps");
	snprintf(want, sizeof(want), "eci-run: --cap-add NET_ADMIN: \"allowedCapabilities\" is "
		 "managed by your administrator (%s)\n", admin(src, sizeof(src), "caps", "50-caps.json"));
	refused("--cap-add NET_ADMIN", want, "allowedCapabilities");
	refused("--cap-add ALL", "--cap-add ALL: \"allowedCapabilities\" is managed",
		"allowedCapabilities");
	caps_are("--cap-add SYS_PTRACE", CEILING, NULL);
	caps_are("", DOCKER_CAPS, &err);
	ck_assert_msg(!strstr(err, "downgraded"), "nothing to downgrade: %s", err);
	free(err);
}
END_TEST

/*
 * allowPrivileged false: no capability beyond the default set, whichever
 * flag asks for it, --cap-add ALL too.
 */
START_TEST(no_privileged_no_cap_add)
{
	char src[4096], want[8192];

	use("locks");
	admin(src, sizeof(src), "locks", "50-locks.json");
	snprintf(want, sizeof(want), "eci-run: --cap-add ALL: \"allowPrivileged\" is managed by "
		 "your administrator (%s)\n", src);
	refused("--cap-add ALL", want, "allowPrivileged");
	refused("--cap-add ALL --cap-drop SYS_MODULE", want, "allowPrivileged");
	snprintf(want, sizeof(want), "eci-run: --cap-add sys_admin: \"allowPrivileged\" is managed "
		 "by your administrator (%s)\n", src);
	refused("--cap-drop ALL --cap-add sys_admin", want, "allowPrivileged");
	caps_are("--cap-add CHOWN --cap-add KILL", DOCKER_CAPS, NULL);
	caps_are("--cap-drop ALL --cap-add CHOWN", 1ULL << 0, NULL);
	use("unlocked");
	snprintf(want, sizeof(want), "eci-run: --cap-add NET_ADMIN: not allowed by "
		 "\"allowPrivileged\" (%s)\n", admin(src, sizeof(src), "unlocked", "50-unlocked.json"));
	refused("--cap-add NET_ADMIN", want, "allowPrivileged");
}
END_TEST

/* ... and what the administrator names beyond the default set is held. */
START_TEST(no_privileged_named_caps)
{
	char src[4096], want[8192];

	use("caps-named");	/* ["ALL", "SYS_PTRACE"] */
	admin(src, sizeof(src), "caps-named", "50-caps.json");
	caps_are("--cap-add SYS_PTRACE", CEILING, NULL);
	snprintf(want, sizeof(want), "eci-run: --cap-add NET_ADMIN: \"allowPrivileged\" is managed "
		 "by your administrator (%s)\n", src);
	refused("--cap-add NET_ADMIN", want, "allowPrivileged");
	refused("--privileged", "eci-run: --privileged: \"allowPrivileged\" is managed",
		"allowPrivileged");
}
END_TEST

/* Where privileges are allowed, --cap-add ALL holds every capability, as before. */
START_TEST(privileged_allowed_cap_add_all)
{
	use("none");
	caps_are("--cap-add ALL", t_all_caps(), NULL);
	caps_are("--privileged --cap-drop SYS_MODULE", t_all_caps() & ~(1ULL << 16), NULL);
}
END_TEST

/* --privileged under a ceiling runs with the ceiling, audited. */
START_TEST(privileged_downgraded)
{
	char *err = NULL;

	use("caps");
	caps_are("--privileged", CEILING, &err);
	audited(err, "downgraded", "allowedCapabilities");
	free(err);
}
END_TEST

/*
 * The seccomp filter follows the capabilities the container gets, not the
 * ones --privileged asked for: without CAP_SYS_ADMIN under the ceiling,
 * the syscalls Docker's profile gates on it (unshare of namespaces,
 * clone3) stay closed, exactly as for a container started without
 * --privileged.
 */
START_TEST(downgraded_seccomp_follows_ceiling)
{
	struct run_result r;

	use("caps");
	eci("--privileged", "/probe ns", &r);
	ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, "fsopen EPERM\nunshare-user EPERM\nclone3 ENOSYS\n"
			 "unshare-mnt EPERM\nunshare-mnt-ipc EPERM\n");
	t_run_free(&r);
}
END_TEST

/* Start a container of the test launcher that says "ready" and waits. */
static pid_t waiting(int *in, int *out)
{
	char bin[4096], line[64];
	char *argv[] = { (char *)launcher(bin, sizeof(bin)), (char *)"-i", (char *)"default",
			 (char *)"/bin/sh", (char *)"-c", (char *)"echo ready; read x", NULL };
	pid_t pid = t_spawn(argv, in, out);

	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(t_read_line(*out, line, sizeof(line)), 0);
	ck_assert_str_eq(line, "ready");
	return pid;
}

static int stop(pid_t pid, int in, int out)
{
	int st;

	t_let_go(in);
	close(out);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* maxContainersPerUser 1: the helper refuses a second container while
 * one runs, and gives the slot back when it ends. */
START_TEST(container_limit)
{
	char src[4096], want[8192];
	struct passwd *pw = getpwuid(getuid());
	struct run_result r;
	int in, out;
	pid_t first;

	ck_assert_ptr_nonnull(pw);
	use("limit");
	first = waiting(&in, &out);
	eci("", "echo started", &r);
	/* Stopped before any assertion, so that no container outlives a failure. */
	ck_assert_int_eq(stop(first, in, out), 0);
	snprintf(want, sizeof(want), "user %s already runs 1 containers, the most "
		 "\"maxContainersPerUser\" allows (%s)", pw->pw_name,
		 admin(src, sizeof(src), "limit", "50-limit.json"));
	ck_assert_msg(r.status == 125, "second container: exit %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.err, want), "stderr lacks '%s': %s", want, r.err);
	ck_assert_ptr_null(strstr(r.out, "started"));
	audited(r.err, "refused", "maxContainersPerUser");
	t_run_free(&r);
	expect_out("", "echo again", "again\n");
}
END_TEST

/*
 * maxContainersPerUser 1, containers one after the other: eci-run returns
 * while the kernel still tears down the last one's pid 1 (slowly here:
 * 400 MiB of its writable layer to free), whose lease counts until it is
 * gone.  The next start waits for it, and is not refused.
 */
START_TEST(container_limit_back_to_back)
{
	struct run_result r;

	use("limit");
	for (int i = 0; i < 3; i++) {
		eci("--network none", "dd if=/dev/zero of=/big bs=1M count=400 2>/dev/null && "
		    "echo wrote", &r);
		ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
		ck_assert_str_eq(r.out, "wrote\n");
		t_run_free(&r);
		expect_out("--network none", "echo next", "next\n");
	}
}
END_TEST

/* A file that is no JSON, or a setting of the wrong type, stops eci with
 * the file and the line and column, or the key. */
START_TEST(malformed_and_wrong_type)
{
	char file[4096], want[8192];
	struct run_result r;

	use("malformed");
	snprintf(want, sizeof(want), "eci-run: %s: line 4 column 12: ",
		 admin(file, sizeof(file), "malformed", "50-malformed.json"));
	refused("", want, NULL);
	show(false, &r);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.out, want + strlen("eci-run: ")), "%s", r.out);
	t_run_free(&r);
	use("wrongtype");
	snprintf(want, sizeof(want), "eci-run: %s: \"allowPrivileged\" must be a boolean\n",
		 admin(file, sizeof(file), "wrongtype", "50-wrongtype.json"));
	refused("", want, NULL);
}
END_TEST

/* The same for the user's file, named as such. */
START_TEST(user_file_malformed_and_wrong_type)
{
	char dir[64], file[4200], want[8192];

	use("none");
	user_settings(dir, "{\n  \"allowPrivileged\": true,,\n}\n", file, sizeof(file));
	snprintf(want, sizeof(want), "eci-run: %s: line 2 column ", file);
	refused("", want, NULL);
	user_settings_rm(dir, file);
	user_settings(dir, "{\"maxContainersPerUser\": \"many\"}", file, sizeof(file));
	snprintf(want, sizeof(want), "eci-run: %s: \"maxContainersPerUser\" must be an integer\n",
		 file);
	refused("", want, NULL);
	user_settings_rm(dir, file);
	/* Docker's shape for shared directories, and absolute paths only */
	user_settings(dir, "{\"filesharingAllowedDirectories\": [\"/srv\"]}", file, sizeof(file));
	snprintf(want, sizeof(want), "eci-run: %s: \"filesharingAllowedDirectories\" must be an "
		 "array of {\"path\": \"/absolute/path\"} objects\n", file);
	refused("", want, NULL);
	user_settings_rm(dir, file);
	user_settings(dir, "{\"filesharingAllowedDirectories\": [{\"path\": \"/srv/../etc\"}]}",
		      file, sizeof(file));
	snprintf(want, sizeof(want), "eci-run: %s: \"filesharingAllowedDirectories\": \"/srv/../etc\" "
		 "is not an absolute path without \"..\"\n", file);
	refused("", want, NULL);
	user_settings_rm(dir, file);
	user_settings(dir, "{\"exposeDockerAPIOnTCP2375\": \"yes\"}", file, sizeof(file));
	snprintf(want, sizeof(want), "eci-run: %s: \"exposeDockerAPIOnTCP2375\" must be a boolean\n",
		 file);
	refused("", want, NULL);
	user_settings_rm(dir, file);
}
END_TEST

/* A policy a user could have written is none: no container at all. */
static void untrusted(const char *scenario, const char *why)
{
	struct run_result r;

	use(scenario);
	refused("", "eci-run: eci refuses to run: ", NULL);
	refused("", why, NULL);
	show(true, &r);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.out, "\"policyIntact\":false"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "is not trusted"), "%s", r.out);
	t_run_free(&r);
}

START_TEST(tamper_group_writable)
{
	char file[4096], why[8400];

	admin(file, sizeof(file), "tamper-groupw", "50-groupw.json");
	snprintf(why, sizeof(why), "%s is not trusted: %s is writable by its group", file, file);
	untrusted("tamper-groupw", why);
}
END_TEST

START_TEST(tamper_user_directory)
{
	char dir[4096], why[8400];

	admin(dir, sizeof(dir), "tamper-userdir", NULL);
	snprintf(why, sizeof(why), "%s is not trusted: %s is owned by uid ", dir, dir);
	untrusted("tamper-userdir", why);
	refused("", ", not root", NULL);
}
END_TEST

START_TEST(tamper_symlink_to_user_file)
{
	char link[4096], target[4096], why[8400];

	admin(link, sizeof(link), "tamper-symlink", "50-symlink.json");
	admin(target, sizeof(target), "outside", "evil.json");
	snprintf(why, sizeof(why), "%s is not trusted: %s is owned by uid ", link, target);
	untrusted("tamper-symlink", why);
}
END_TEST

START_TEST(show_text)
{
	char locks[4096], want[8192];
	struct run_result r;

	use("locks");
	admin(locks, sizeof(locks), "locks", "50-locks.json");
	show(false, &r);
	ck_assert_msg(r.status == 0, "%s", r.err);
#define MANAGED "Some settings are managed by your administrator.\nSETTING "
	ck_assert_msg(!strncmp(r.out, MANAGED, strlen(MANAGED)), "%s", r.out);
	row_is(r.out, "allowPrivileged", "locked", locks, "false");
	row_is(r.out, "noNewPrivileges", "locked", locks, "true");
	row_is(r.out, "allowedImages", "-", "default", "[\"*\"]");
	row_is(r.out, "maxContainersPerUser", "-", "default", "0");
	snprintf(want, sizeof(want), "\nPolicy files (%s): intact\nHelper: intact\n",
		 admin(locks, sizeof(locks), "locks", NULL));
	ck_assert_msg(strstr(r.out, want), "no '%s' in: %s", want, r.out);
	t_run_free(&r);
	use("none");
	show(false, &r);
	ck_assert_msg(r.status == 0, "%s", r.err);
#define UNMANAGED "No setting is managed by your administrator.\nSETTING "
	ck_assert_msg(!strncmp(r.out, UNMANAGED, strlen(UNMANAGED)), "%s", r.out);
	row_is(r.out, "allowPrivileged", "-", "default", "true");
	t_run_free(&r);
}
END_TEST

/* policy show says what a name-only allowedImages entry is worth. */
START_TEST(show_names_are_no_pin)
{
	struct run_result r;

	use("images");	/* ["alpine:*", "default:stable"] */
	show(false, &r);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_msg(strstr(r.out, "\nNote: allowedImages entries without a digest (alpine:*) "
			     "match the name a user gives an image, at import or by a tag: they "
			     "cannot stop a user who imports or tags images."), "%s", r.out);
	t_run_free(&r);
	use("pin");
	show(false, &r);
	ck_assert_msg(!strstr(r.out, "Note: allowedImages"), "%s", r.out);
	t_run_free(&r);
	use("none");	/* ["*"]: every image anyway */
	show(false, &r);
	ck_assert_msg(!strstr(r.out, "Note: allowedImages"), "%s", r.out);
	t_run_free(&r);
}
END_TEST

START_TEST(show_json)
{
	char locks[4096], want[8192];
	struct run_result r;
	json_error_t je;
	json_t *j, *sp;

	use("locks");
	admin(locks, sizeof(locks), "locks", "50-locks.json");
	show(true, &r);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_msg(!strncmp(r.out, "{\"settings\":{", 13), "%s", r.out);
	snprintf(want, sizeof(want), "\"allowPrivileged\":{\"value\":false,\"locked\":true,"
		 "\"source\":\"%s\"}", locks);
	ck_assert_msg(strstr(r.out, want), "no '%s' in: %s", want, r.out);
	ck_assert_msg(strstr(r.out, "\"allowedImages\":{\"value\":[\"*\"],\"locked\":false,"
				    "\"source\":\"default\"}"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "\"integrity\":{\"policyIntact\":true,"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "\"helperIntact\":true"), "%s", r.out);
	/* and it is one JSON object, as a script would read it */
	j = json_loads(r.out, 0, &je);
	ck_assert_msg(j, "not JSON: %s: %s", je.text, r.out);
	sp = json_object_get(json_object_get(j, "settings"), "seccompProfile");
	ck_assert(json_is_true(json_object_get(sp, "locked")));
	ck_assert_str_eq(json_string_value(json_object_get(sp, "source")), locks);
	ck_assert_str_eq(json_string_value(json_object_get(sp, "value")), "default");
	json_decref(j);
	t_run_free(&r);
}
END_TEST

/*
 * enhancedContainerIsolation off (the user's choice where the administrator
 * did not lock it): volumes are no longer judged, but a writable one still
 * gets no set-id file, and no new file system may be mounted over it.
 */
START_TEST(setid_guard_without_eci)
{
	char dir[64], file[4200], vol[] = "/tmp/eci-t-noeci.XXXXXX", flags[128];
	struct run_result r;

	use("none");
	user_settings(dir, "{\"enhancedContainerIsolation\": false}", file, sizeof(file));
	ck_assert_ptr_nonnull(mkdtemp(vol));
	ck_assert_int_eq(chmod(vol, 0777), 0);
	snprintf(flags, sizeof(flags), "--privileged -v %s:/w", vol);
	eci(flags, "echo x > /w/f; chmod 4755 /w/f; echo u=$?; mkdir /tmp/m; "
	    "mount -t tmpfs t /tmp/m; echo m=$?; rm /w/f", &r);
	t_want(&r, 0);
	t_has(r.out, "u=1\nm=1\n");
	t_has(r.err, "Operation not permitted");
	t_run_free(&r);
	ck_assert_int_eq(rmdir(vol), 0);
	user_settings_rm(dir, file);
}
END_TEST

/*
 * allowKeepId locked to false: --userns keep-id is refused, naming the
 * setting and the file, whatever the user's own settings say; a container
 * without it runs.  The helper holds the same lock when asked by hand.
 */
START_TEST(keep_id_locked)
{
	char file_[4096], want[8192], dir[64], file[4096], bin[4096], ids[32];
	char *helper[] = { bin, (char *)"--keep-id", ids, (char *)"2", NULL };
	struct run_result r;

	use("keepid-locked");
	admin(file_, sizeof(file_), "keepid-locked", "50-keepid.json");
	snprintf(want, sizeof(want), "eci-run: --userns keep-id: \"allowKeepId\" is managed by your "
		 "administrator (%s)\n", file_);
	refused("--userns keep-id", want, "allowKeepId");
	user_settings(dir, "{\"allowKeepId\": true}", file, sizeof(file));
	refused("--userns keep-id", want, "allowKeepId");
	expect_out("", "id -u", "0\n");
	user_settings_rm(dir, file);

	/* the helper of the test build, which reads the same policy.d */
	snprintf(bin, sizeof(bin), "%s/t/eci-newidmap", t_prefix());
	snprintf(ids, sizeof(ids), "%u:%u", (unsigned)getuid(), (unsigned)getgid());
	ck_assert_int_eq(t_run(helper, &r), 0);
	ck_assert_msg(r.status == 100, "exit %d: %s", r.status, r.err);
	snprintf(want, sizeof(want), "eci-newidmap: --keep-id: \"allowKeepId\" is managed by your "
		 "administrator (%s)", file_);
	ck_assert_msg(strstr(r.err, want), "no '%s' in: %s", want, r.err);
	audited(r.err, "refused", "allowKeepId");
	t_run_free(&r);
}
END_TEST

/* allowKeepId false, not locked: refused, unless the user's settings say
 * true; the helper leaves it to eci-run then. */
START_TEST(keep_id_unlocked)
{
	char file_[4096], want[8192], dir[64], file[4096];

	use("keepid-off");
	admin(file_, sizeof(file_), "keepid-off", "50-keepid.json");
	snprintf(want, sizeof(want), "eci-run: --userns keep-id: not allowed by \"allowKeepId\" "
		 "(%s)\n", file_);
	refused("--userns keep-id", want, "allowKeepId");
	user_settings(dir, "{\"allowKeepId\": true}", file, sizeof(file));
	snprintf(want, sizeof(want), "%u\n", (unsigned)getuid());
	expect_out("--userns keep-id", "id -u", want);
	user_settings_rm(dir, file);
}
END_TEST

Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *files = tcase_create("policy files");
	TCase *settings = tcase_create("settings");
	const TTest *file_tests[] = {
		merge_later_file_wins, lock_beats_user_file, unlocked_user_file_applies,
		lock_refuses_flags, malformed_and_wrong_type, user_file_malformed_and_wrong_type,
		tamper_group_writable, tamper_user_directory, tamper_symlink_to_user_file,
		show_text, show_json, show_names_are_no_pin,
	};
	const TTest *setting_tests[] = {
		images_by_tag_pattern, images_by_digest_pin, images_pin_ignores_chosen_name,
		images_pin_config_digest, images_pin_forged_blob, mounts_blocked,
		mounts_blocked_no_swap, caps_ceiling, no_privileged_no_cap_add,
		no_privileged_named_caps, privileged_allowed_cap_add_all,
		privileged_downgraded, downgraded_seccomp_follows_ceiling, container_limit,
		container_limit_back_to_back, setid_guard_without_eci, keep_id_locked, keep_id_unlocked,
		devices_allowed, devices_refused,
	};
	const char *why = NULL;
	char path[4096];

	if (!policy_root())
		why = "no $ECI_POLICY_ROOT: the scenarios are made when root stages the build "
		      "(t/run-checks.sh)";
	else if (access(admin(path, sizeof(path), "none", NULL), F_OK) < 0)
		why = "no policy scenarios under $ECI_POLICY_ROOT (t/policy/prepare.sh)";
	else if (access(launcher(path, sizeof(path)), X_OK) < 0)
		why = "no test build of eci-run (t/eci-run-policytest) in $ECI_PREFIX";
	tcase_set_timeout(files, 60);
	tcase_set_timeout(settings, 60);
	for (size_t i = 0; i < sizeof(file_tests) / sizeof(*file_tests); i++)
		if (why)
			test_skip(file_tests[i]->name, why);
		else
			tcase_add_test(files, file_tests[i]);
	for (size_t i = 0; i < sizeof(setting_tests) / sizeof(*setting_tests); i++)
		if (why)
			test_skip(setting_tests[i]->name, why);
		else
			tcase_add_test(settings, setting_tests[i]);
	suite_add_tcase(s, files);
	suite_add_tcase(s, settings);
	return s;
}
