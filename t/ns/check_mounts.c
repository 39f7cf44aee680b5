// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_mounts.c - the container's file systems: the locked system view,
 * the overlay root over an untouched image, --read-only, --tmpfs, volumes,
 * --hostname, and images that plant symlinks where system mounts go
 *
 * Every refusal is checked by its exit status and the kernel's words, and
 * beside it a positive control shows that the same workload can do what it
 * should.  The system view is probed twice: by default, where the workload
 * lacks CAP_SYS_ADMIN, and with --privileged, where nothing but the kernel's
 * locks on inherited mounts (see core/nest.c) stands in the way.
 */
#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launcher.h"
#include "ns.h"
#include "run.h"
#include "subid.h"
#include "tap.h"
#include "util.h"


/*
 * Host directories and images of the "flags and images" tests live in a
 * scratch directory that the (unchecked) teardown removes, in the parent
 * process, however the test ended.
 */
static char scratch[64];

static void scratch_make(void)
{
	snprintf(scratch, sizeof(scratch), "/tmp/eci-t-mounts.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(scratch));
}

static void scratch_remove(void)
{
	t_rm_rf(scratch);
}

/* A fresh directory that container root may (or may not) enter. */
static void host_dir(char *buf, size_t size, const char *kind, mode_t mode)
{
	snprintf(buf, size, "%s/%s.XXXXXX", scratch, kind);
	ck_assert_ptr_nonnull(mkdtemp(buf));
	ck_assert_int_eq(chmod(buf, mode), 0);
}

static void host_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write_all(fd, text, strlen(text)), 0);
	close(fd);
	ck_assert_int_eq(chmod(path, mode), 0);
}

/* Entries in the state directory base, as check_run.c's state_removed. */
static int state_entries(void)
{
	char base[4096];
	struct dirent *de;
	int n = 0;
	DIR *d;

	state_base(base, sizeof(base));
	d = opendir(base);
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	if (d)
		closedir(d);
	return n;
}

/*
 * The locked system view, probed from inside.  no CMD prints "refused: CMD:
 * its error" or "ESCAPED: CMD"; empty PATH says whether a masked file or
 * directory reads as nothing.  Paths absent from this kernel are skipped here
 * and, as the host has the same kernel, not expected by check_locked().
 */
#define MASKED "/proc/acpi /proc/asound /proc/kcore /proc/keys /proc/latency_stats " \
	       "/proc/timer_list /proc/timer_stats /proc/sched_debug /proc/scsi "     \
	       "/sys/firmware /sys/devices/virtual/powercap"

#define PROBE_FNS                                                              \
	"no() { if out=$(\"$@\" 2>&1); then echo \"ESCAPED: $*\"; "                  \
	"else echo \"refused: $*: $out\"; fi; }\n"                                   \
	/* A mask reads as nothing: unreadable (host root's) would not do. */ \
	"empty() {\n"                                                           \
	"\tif [ -d \"$1\" ]; then c=$(ls -A \"$1\" 2>&1) || c=\"unreadable $c\"\n"      \
	"\telif ! c=$(head -c 0 \"$1\" 2>&1); then c=\"unreadable $c\"\n"            \
	"\telse c=$(head -c 64 \"$1\" | od -An -c); fi\n"                          \
	"\tif [ -z \"$c\" ]; then echo \"empty: $1\"; else echo \"ESCAPED: $1 shows $c\"; fi\n" \
	"}\n"

static const char probe_sh[] =
	PROBE_FNS
	"no mount -o remount,rw /proc/sys\n"
	"no mount -o remount,bind,rw /proc/sys\n"
	"no sh -c 'echo x > /proc/sys/kernel/hostname'\n"
	"! test -e /proc/sysrq-trigger || no sh -c 'echo h > /proc/sysrq-trigger'\n"
	"no umount /proc/sys\n"
	"no umount -l /proc/sys\n"
	"for p in " MASKED "; do ! test -e $p || { no umount $p; empty $p; }; done\n"
	"no umount /dev/null\n"
	"no mount -o remount,rw /sys\n"
	"no mount -o remount,bind,rw /sys\n";

/* Run the probe, with @flag (or none), maybe under unshare -Urm. */
static void probe(const char *flag, bool nested, struct run_result *r)
{
	char script[4096];

	snprintf(script, sizeof(script), "cat > /tmp/probe <<'EOF'\n%sEOF\n%s", probe_sh,
		 nested ? "readlink /proc/self/ns/user; "
			  "unshare -Urm sh -c 'readlink /proc/self/ns/user; sh /tmp/probe'"
			: "sh /tmp/probe");
	if (flag)
		T_ECI(r, flag, "default", "/bin/sh", "-c", script);
	else
		T_ECI(r, "default", "/bin/sh", "-c", script);
	t_want(r, 0);
	if (nested) {	/* the second user namespace is another one */
		const char *nl = strchr(r->out, '\n');

		ck_assert_ptr_nonnull(nl);
		ck_assert_msg(strncmp(r->out, nl + 1, (size_t)(nl - r->out) + 1),
			      "unshare -U made no new user namespace: %s", r->out);
	}
}

static void check_each(const char *out, const char *paths, const char *fmt)
{
	char list[512], line[512];
	char *p, *save = NULL;

	snprintf(list, sizeof(list), "%s", paths);
	for (p = strtok_r(list, " ", &save); p; p = strtok_r(NULL, " ", &save)) {
		if (access(p, F_OK) < 0)
			continue;	/* this kernel lacks it */
		snprintf(line, sizeof(line), fmt, p, p);
		t_has(out, line);
	}
}

/*
 * @umount_err: how umount fails.  Without CAP_SYS_ADMIN (the default) the
 * call is refused outright; with it (--privileged) the kernel's lock on
 * every mount inherited by a less privileged namespace refuses it.
 */
static void check_locked(const char *out, const char *umount_err)
{
	char line[256];

	ck_assert_msg(!strstr(out, "ESCAPED"), "%s", out);
	t_has(out, "refused: mount -o remount,rw /proc/sys: mount: permission denied");
	t_has(out, "refused: mount -o remount,bind,rw /proc/sys: mount: permission denied");
	t_has(out, "can't create /proc/sys/kernel/hostname: Read-only file system\n");
	if (access("/proc/sysrq-trigger", F_OK) == 0)
		t_has(out, "can't create /proc/sysrq-trigger: Read-only file system\n");
	snprintf(line, sizeof(line), "refused: umount /proc/sys: umount: can't unmount "
		 "/proc/sys: %s\n", umount_err);
	t_has(out, line);
	snprintf(line, sizeof(line), "refused: umount -l /proc/sys: umount: can't unmount "
		 "/proc/sys: %s\n", umount_err);
	t_has(out, line);
	snprintf(line, sizeof(line), "refused: umount %%s: umount: can't unmount %%s: %s\n",
		 umount_err);
	check_each(out, MASKED, line);
	snprintf(line, sizeof(line), "refused: umount /dev/null: umount: can't unmount "
		 "/dev/null: %s\n", umount_err);
	t_has(out, line);
	t_has(out, "refused: mount -o remount,rw /sys: mount: permission denied");
	t_has(out, "refused: mount -o remount,bind,rw /sys: mount: permission denied");
	check_each(out, MASKED, "empty: %s\n");
}

START_TEST(system_view_locked)
{
	struct run_result r;

	probe(NULL, false, &r);
	check_locked(r.out, "Operation not permitted");
	t_run_free(&r);
}
END_TEST

/* By default the workload may not even make the namespaces to try again. */
START_TEST(no_nested_userns)
{
	struct run_result r;

	t_sh("unshare -Urm true", &r);
	t_want(&r, 1);
	t_has(r.err, "Operation not permitted");
	t_run_free(&r);
}
END_TEST

/* With every capability, the kernel's locks are what holds. */
START_TEST(privileged_locked)
{
	struct run_result r;

	probe("--privileged", false, &r);
	check_locked(r.out, "Invalid argument");
	t_run_free(&r);
}
END_TEST

/* CAP_SYS_ADMIN in a user namespace of the workload's own changes nothing. */
START_TEST(privileged_locked_nested)
{
	struct run_result r;

	probe("--privileged", true, &r);
	check_locked(r.out, "Invalid argument");
	t_run_free(&r);
}
END_TEST

/*
 * /proc/sys is read-only; with CAP_SYS_ADMIN the sysctls the kernel keeps
 * per namespace (IPC, and the container's own network namespace) are
 * writable, as a nested engine or systemd needs, and the host's stay
 * read-only.  The writes land in the container's namespaces only.
 */
static const char sysctl_script[] =
	"for k in net/ipv4/ip_forward kernel/shmmni fs/mqueue/msg_max vm/overcommit_memory "
	"kernel/panic kernel/hostname; do v=$(cat /proc/sys/$k); "
	"if echo $v > /proc/sys/$k 2>/dev/null; then echo \"$k rw\"; else echo \"$k ro\"; fi; "
	"done; echo 1 > /proc/sys/net/ipv4/ip_forward && cat /proc/sys/net/ipv4/ip_forward; "
	"echo 4242 > /proc/sys/kernel/shmmni && cat /proc/sys/kernel/shmmni";

START_TEST(namespaced_sysctls)
{
	struct run_result r;
	char *host;

	T_ECI(&r, "--network", "none", "default", "sh", "-c", sysctl_script);
	t_want(&r, 1);
	ck_assert_str_eq(r.out, "net/ipv4/ip_forward ro\nkernel/shmmni ro\nfs/mqueue/msg_max ro\n"
			 "vm/overcommit_memory ro\nkernel/panic ro\nkernel/hostname ro\n");
	t_run_free(&r);
	t_host_sh("cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni", &r);
	host = strdup(r.out);
	t_run_free(&r);
	T_ECI(&r, "--privileged", "--network", "none", "default", "sh", "-c", sysctl_script);
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "net/ipv4/ip_forward rw\nkernel/shmmni rw\nfs/mqueue/msg_max rw\n"
			 "vm/overcommit_memory ro\nkernel/panic ro\nkernel/hostname ro\n1\n4242\n");
	t_run_free(&r);
	/* the host's own are as they were */
	t_host_sh("cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni", &r);
	ck_assert_str_eq(r.out, host);
	t_run_free(&r);
	free(host);
}
END_TEST

/* The containers' directories in the store's slots, one a line. */
#define SLOT_DIRS "ls -d \"${XDG_DATA_HOME:-$HOME/.local/share}\"/eci/slots/*/containers/* " \
	"2>/dev/null | LC_ALL=C sort"

/*
 * With CAP_SYS_ADMIN, an engine inside keeps its layers on the store's
 * file system (overlayfs refuses an upper directory on the container's
 * overlay root); none without it; gone when the container is; a volume of
 * the user's there wins.
 */
START_TEST(inner_storage)
{
	static const char overlay[] =
		"cd %s && mkdir l u w m && echo hi > l/f && "
		"mount -t overlay o -o lowerdir=l,upperdir=u,workdir=w m && cat m/f && "
		"echo x > m/g && ls u && stat -c '%%u:%%g %%a' . && grep -c ' %s ' /proc/self/mountinfo";
	char cmd[512];
	struct run_result before, r;

	T_ECI(&r, "--network", "none", "default", "sh", "-c",
	      "grep -c ' /var/lib/docker ' /proc/self/mountinfo");
	t_want(&r, 1);
	ck_assert_str_eq(r.out, "0\n");
	t_run_free(&r);
	t_host_sh(SLOT_DIRS, &before);
	snprintf(cmd, sizeof(cmd), overlay, "/var/lib/docker", "/var/lib/docker");
	T_ECI(&r, "--privileged", "--network", "none", "default", "sh", "-c", cmd);
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "hi\ng\n0:0 700\n1\n");
	t_run_free(&r);
	/* the same on the overlay root: the kernel says no */
	snprintf(cmd, sizeof(cmd), overlay, "/tmp", "/tmp");
	T_ECI(&r, "--privileged", "--network", "none", "default", "sh", "-c", cmd);
	ck_assert_int_ne(r.status, 0);
	t_has(r.err, "Invalid argument");
	t_run_free(&r);
	t_host_sh(SLOT_DIRS, &r);
	ck_assert_str_eq(r.out, before.out);
	t_run_free(&r);
	t_run_free(&before);
	/* the user's volume at /var/lib/docker, not the inner storage */
	T_ECI(&r, "--privileged", "--network", "none", "--tmpfs", "/var/lib/docker", "default",
	      "sh", "-c", "awk '$5 == \"/var/lib/docker\" { sub(/.* - /, \"\"); print $1 }' "
	      "/proc/self/mountinfo; "
	      "grep -c ' /var/lib/containerd ' /proc/self/mountinfo");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "tmpfs\n1\n");
	t_run_free(&r);
}
END_TEST

/* Positive control: the locks leave the workload free to mount its own. */
START_TEST(own_tmpfs)
{
	struct run_result r;

	T_ECI(&r, "--privileged", "default", "/bin/sh", "-c",
	    "mount -t tmpfs t /mnt && touch /mnt/x && ls /mnt && "
	    "grep -c ' /mnt ' /proc/self/mountinfo");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "x\n1\n");
	t_run_free(&r);
}
END_TEST

/* The rootfs is writable, and holds the image's top level and no more. */
START_TEST(rootfs_is_the_image)
{
	char cmd[4200];
	struct run_result img, r;

	snprintf(cmd, sizeof(cmd),
		 "{ tar -tf \"$(ls -S %s/share/eci/images/default/blobs/sha256/* | head -n1)\" | "
		 "cut -d/ -f2; echo newfile; } | grep . | LC_ALL=C sort -u",
		 t_prefix());
	t_host_sh(cmd, &img);
	t_want(&img, 0);
	t_has(img.out, "bin\n");
	t_sh("touch /newfile && LC_ALL=C ls -A / | LC_ALL=C sort", &r);
	t_want(&r, 0);
	ck_assert_str_eq(r.out, img.out);
	t_run_free(&img);
	t_run_free(&r);
}
END_TEST

START_TEST(mountinfo_names_no_host_path)
{
	char base[64];
	struct run_result r;

	t_sh("cat /proc/self/mountinfo", &r);
	t_want(&r, 0);
	t_has(r.out, " / / ");
	state_base(base, sizeof(base));
	ck_assert_msg(!strstr(r.out, base), "%s in:\n%s", base, r.out);
	ck_assert_msg(!strstr(r.out, t_prefix()), "%s in:\n%s", t_prefix(), r.out);
	t_run_free(&r);
}
END_TEST

/* What one container writes, the next one and the image never see. */
START_TEST(image_untouched)
{
	char cmd[4200];
	struct run_result before, after, r;

	snprintf(cmd, sizeof(cmd), "cd %s/share/eci/images/default && "
		 "sha256sum index.json blobs/sha256/*", t_prefix());
	t_host_sh(cmd, &before);
	t_want(&before, 0);
	t_sh("echo changed > /bin/busybox-copy && echo x >> /etc/passwd && rm /bin/ls && "
	     "echo changed > /etc/group && wc -l < /etc/passwd", &r);
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "3\n");
	t_run_free(&r);
	t_sh("wc -l < /etc/passwd; cat /etc/group | head -n1; ls /bin/busybox-copy /bin/ls", &r);
	t_want(&r, 1);
	ck_assert_str_eq(r.out, "2\nroot:x:0:\n/bin/ls\n");
	t_has(r.err, "/bin/busybox-copy: No such file or directory");
	t_run_free(&r);
	t_host_sh(cmd, &after);
	t_want(&after, 0);
	ck_assert_str_eq(after.out, before.out);
	t_run_free(&before);
	t_run_free(&after);
}
END_TEST

START_TEST(read_only_root)
{
	struct run_result r;

	T_ECI(&r, "--read-only", "default", "/bin/sh", "-c", "touch /x");
	t_want(&r, 1);
	t_has(r.err, "touch: /x: Read-only file system");
	t_run_free(&r);
	T_ECI(&r, "--privileged", "--read-only", "default", "/bin/sh", "-c",
	    "grep ' / / ' /proc/self/mountinfo; mount -o remount,rw /; "
	    "unshare -Urm mount -o remount,bind,rw /; touch /x");
	t_want(&r, 1);
	t_has(r.out, " / / ro,");
	t_has(r.err, "mount: permission denied (are you root?)\n"
		   "mount: permission denied (are you root?)\n"
		   "touch: /x: Read-only file system\n");
	t_run_free(&r);
}
END_TEST

START_TEST(read_only_with_tmpfs)
{
	struct run_result r;

	T_ECI(&r, "--read-only", "--tmpfs", "/tmp", "default", "/bin/sh", "-c",
	    "echo hi > /tmp/x && cat /tmp/x && grep ' /tmp ' /proc/self/mountinfo");
	t_want(&r, 0);
	t_has(r.out, "hi\n");
	t_has(r.out, " /tmp rw,nosuid,nodev,noexec,");
	t_run_free(&r);
}
END_TEST

/* --tmpfs is noexec unless asked otherwise; the control asks. */
START_TEST(tmpfs_noexec)
{
	static const char script[] = "cp /bin/busybox /tmp/busybox && /tmp/busybox true";
	struct run_result r;

	T_ECI(&r, "--tmpfs", "/tmp", "default", "/bin/sh", "-c", script);
	t_want(&r, 126);
	t_has(r.err, "/tmp/busybox: Permission denied");
	t_run_free(&r);
	T_ECI(&r, "--tmpfs", "/tmp:exec", "default", "/bin/sh", "-c", script);
	t_want(&r, 0);
	t_run_free(&r);
}
END_TEST

START_TEST(tmpfs_size_mode)
{
	struct run_result r;

	T_ECI(&r, "--tmpfs", "/run:size=1m,mode=755", "default", "/bin/sh", "-c",
	    "grep ' /run ' /proc/self/mountinfo; stat -c %a /run; df -k /run | tail -n1");
	t_want(&r, 0);
	t_has(r.out, " /run rw,nosuid,nodev,noexec,");
	t_has(r.out, "size=1024k");
	t_has(r.out, "\n755\n");
	t_has(r.out, " 1024 ");
	t_run_free(&r);
}
END_TEST

/*
 * Container root is a subordinate uid: it reads what others may read and
 * writes only where others may write, and its files are its own on the host.
 */
START_TEST(volume_rw)
{
	struct subid_range mine = ns_my_range();
	char dir[128], spec[160], path[160];
	struct run_result r;
	struct stat st;

	host_dir(dir, sizeof(dir), "vol", 0777);
	snprintf(path, sizeof(path), "%s/hello", dir);
	host_file(path, "hi\n", 0644);
	snprintf(spec, sizeof(spec), "%s:/data", dir);
	T_ECI(&r, "-v", spec, "default", "/bin/sh", "-c",
	    "cat /data/hello && echo new > /data/new && grep ' /data ' /proc/self/mountinfo");
	t_want(&r, 0);
	t_has(r.out, "hi\n");
	t_has(r.out, " /data rw,nosuid,nodev,");
	snprintf(path, sizeof(path), "%s/new", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_ne(st.st_uid, getuid());
	ck_assert_uint_ne(st.st_uid, 0);
	ck_assert_uint_ge(st.st_uid, mine.start);
	ck_assert_uint_lt(st.st_uid, (unsigned long)mine.start + mine.count);
	t_run_free(&r);
}
END_TEST

/*
 * A writable volume: no set-user-ID or set-group-ID file may be left on the
 * host (any user could run it as the container's ids), whatever seccomp
 * profile the container runs with; a container without one keeps chmod.
 */
START_TEST(volume_no_setid)
{
	static const char *const profiles[] = { "seccomp=default", "seccomp=unconfined" };
	char dir[128], spec[160], path[160];
	struct run_result r;
	struct stat st;

	host_dir(dir, sizeof(dir), "vol", 01777);
	snprintf(spec, sizeof(spec), "%s:/w", dir);
	for (size_t i = 0; i < 2; i++) {
		T_ECI(&r, "--privileged", "--security-opt", profiles[i], "-v", spec, "default",
		    "/bin/sh", "-c", "echo x > /w/f; chmod 4755 /w/f; echo u=$?; chmod g+s /w/f; "
		    "echo g=$?; mknod /w/n p; chmod 2755 /w/n; echo n=$?; chmod 0755 /w/f; echo p=$?");
		t_want(&r, 0);
		t_has(r.out, "u=1\ng=1\n");
		t_has(r.out, "n=1\np=0\n");
		t_has(r.err, "Operation not permitted");
		t_run_free(&r);
		snprintf(path, sizeof(path), "%s/f", dir);
		ck_assert_int_eq(stat(path, &st), 0);
		ck_assert_msg(!(st.st_mode & (S_ISUID | S_ISGID)), "mode %o", st.st_mode);
		snprintf(path, sizeof(path), "%s/n", dir);
		ck_assert_int_eq(stat(path, &st), 0);
		ck_assert_msg(!(st.st_mode & (S_ISUID | S_ISGID)), "mode %o", st.st_mode);
		t_rm_rf(path);
	}
	/* Control: without a writable host path the guard is not there. */
	snprintf(spec, sizeof(spec), "%s:/w:ro", dir);
	T_ECI(&r, "-v", spec, "default", "/bin/sh", "-c",
	    "echo x > /tmp/f; chmod 4755 /tmp/f && stat -c %a /tmp/f");
	t_want(&r, 0);
	t_has(r.out, "4755");
	t_run_free(&r);
	T_ECI(&r, "--privileged", "-v", spec, "default", "/bin/sh", "-c",
	    "mkdir /tmp/m && mount -t tmpfs t /tmp/m && echo mounted");
	t_want(&r, 0);
	t_has(r.out, "mounted");
	t_run_free(&r);
}
END_TEST

/*
 * A set-group-ID directory of the host: what the container makes there
 * takes the directory's group, as anyone's would, and a directory it makes
 * carries the bit on; a regular file does not, and cannot be given it.  A
 * set-group-ID directory is no program: it gives no one its group, it only
 * names the group of new entries, which their makers could write anyway.
 */
START_TEST(volume_setgid_dir)
{
	char dir[128], spec[160], path[200];
	struct run_result r;
	struct stat st;

	host_dir(dir, sizeof(dir), "vol", 02777);
	snprintf(spec, sizeof(spec), "%s:/w", dir);
	T_ECI(&r, "-v", spec, "default", "/bin/sh", "-c",
	    "mkdir /w/d && echo x > /w/f && echo x > /w/d/f && chmod g+s /w/f; echo g=$?");
	t_want(&r, 0);
	t_has(r.out, "g=1\n");
	t_run_free(&r);
	snprintf(path, sizeof(path), "%s/d", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_msg(S_ISDIR(st.st_mode) && (st.st_mode & S_ISGID), "mode %o", st.st_mode);
	ck_assert_uint_eq(st.st_gid, getgid());
	snprintf(path, sizeof(path), "%s/f", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_msg(!(st.st_mode & (S_ISUID | S_ISGID)), "mode %o", st.st_mode);
	ck_assert_uint_eq(st.st_gid, getgid());
	snprintf(path, sizeof(path), "%s/d/f", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_msg(!(st.st_mode & (S_ISUID | S_ISGID)), "mode %o", st.st_mode);
	T_ECI(&r, "-v", spec, "default", "rm", "-rf", "/w/d", "/w/f");
	t_want(&r, 0);
	t_run_free(&r);
}
END_TEST

START_TEST(volume_not_world_readable)
{
	char dir[128], spec[160];
	struct run_result r;

	host_dir(dir, sizeof(dir), "vol", 0700);
	snprintf(spec, sizeof(spec), "%s:/data", dir);
	T_ECI(&r, "-v", spec, "default", "/bin/sh", "-c", "ls /data");
	t_want(&r, 1);
	t_has(r.err, "can't open '/data': Permission denied");
	t_run_free(&r);
}
END_TEST

START_TEST(volume_ro_file)
{
	char dir[128], spec[200], path[160], *text = NULL;
	struct run_result r;

	host_dir(dir, sizeof(dir), "vol", 0755);
	snprintf(path, sizeof(path), "%s/f", dir);
	host_file(path, "host\n", 0666);
	snprintf(spec, sizeof(spec), "%s:/etc/f:ro", path);
	T_ECI(&r, "--privileged", "-v", spec, "default", "/bin/sh", "-c",
	    "cat /etc/f; echo x > /etc/f; mount -o remount,rw /etc/f; umount /etc/f; "
	    "unshare -Urm sh -c 'umount /etc/f; mount -o remount,bind,rw /etc/f'; "
	    "grep ' /etc/f ' /proc/self/mountinfo");
	t_want(&r, 0);
	t_has(r.out, "host\n");
	t_has(r.out, " /etc/f ro,nosuid,nodev,");
	t_has(r.err, "can't create /etc/f: Read-only file system\n"
		   "mount: permission denied (are you root?)\n"
		   "umount: can't unmount /etc/f: Invalid argument\n"
		   "umount: can't unmount /etc/f: Invalid argument\n"
		   "mount: permission denied (are you root?)\n");
	ck_assert_int_eq(read_all_at(AT_FDCWD, path, 4096, &text, NULL), 0);
	ck_assert_str_eq(text, "host\n");
	free(text);
	t_run_free(&r);
}
END_TEST

/* Bad values are refused before anything is created. */
START_TEST(bad_input)
{
	static const char *const cases[][3] = {
		{ "-v", "a/b:/x", "is neither a path (absolute, or starting with '.') nor a volume name" },
		{ "-v", "/nonexistent-eci:/x", "No such file or directory" },
		{ "-v", "/tmp:rel", "must be an absolute path without '..'" },
		{ "-v", "/tmp:/a/../b", "must be an absolute path without '..'" },
		{ "-v", "/tmp:/", "cannot mount over the container's root" },
		/* the sysfs, mounted last, would hide it without a word */
		{ "-v", "/tmp:/sys/kernel/x", "nothing is mounted on or below /sys: the container's "
		  "own sysfs is there" },
		{ "-v", "/tmp://proc/./x", "nothing is mounted on or below /proc" },
		{ "--tmpfs", "/sys", "nothing is mounted on or below /sys" },
		{ "--mount", "type=bind,source=/tmp,target=/proc", "nothing is mounted on or below /proc" },
		{ "-v", "/tmp:/x:bogus", "unknown option 'bogus'" },
		{ "--tmpfs", "/x:bogus", "unknown option 'bogus'" },
		{ "--tmpfs", "/x:mode=abc", "unknown option 'mode=abc'" },
		{ "--tmpfs", "x", "must be an absolute path without '..'" },
		{ "--hostname", "-bad-", "not a valid host name" },
		{ "--hostname", "a..b", "not a valid host name" },
	};
	char head[128];
	struct run_result r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		T_ECI(&r, cases[i][0], cases[i][1], "default", "true");
		t_want(&r, 125);
		snprintf(head, sizeof(head), "eci-run: %s %s: ", cases[i][0], cases[i][1]);
		t_has(r.err, head);
		t_has(r.err, cases[i][2]);
		t_run_free(&r);
	}
	ck_assert_int_eq(state_entries(), 0);
}
END_TEST

START_TEST(hostname_given)
{
	struct run_result r;

	T_ECI(&r, "--hostname", "web.example", "default", "/bin/sh", "-c",
	    "hostname; cat /etc/hostname; grep web.example /etc/hosts");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "web.example\nweb.example\n127.0.1.1\tweb.example\n");
	t_run_free(&r);
}
END_TEST

START_TEST(hostname_default)
{
	struct run_result r;

	t_sh("hostname; cat /etc/hostname", &r);
	t_want(&r, 0);
	ck_assert_uint_eq(strlen(r.out), 26);
	ck_assert_uint_eq(strspn(r.out, "0123456789abcdef"), 12);
	ck_assert_int_eq(strncmp(r.out, r.out + 13, 13), 0);
	t_run_free(&r);
}
END_TEST

/*
 * add-layer SRC OUT SETUP: copy the OCI layout SRC to OUT and append a
 * layer made of the tree that SETUP (a shell command) builds in an empty
 * directory, with every digest and size the loader checks brought up to
 * date: config (diff_ids), manifest (config descriptor, layers), index.
 * It relies on the one-line JSON of image/mkdefault.sh; no python3 on CI.
 */
static const char add_layer_sh[] =
	"set -eu\n"
	"src=$1 out=$2 tree=$2.tree b=$2/blobs/sha256\n"
	"cp -R \"$src/.\" \"$out\" && chmod -R u+w \"$out\" && mkdir \"$tree\"\n"
	"(cd \"$tree\" && eval \"$3\")\n"
	"tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --format=gnu \\\n"
	"\t-C \"$tree\" -cf \"$out/layer\" .\n"
	"rm -rf \"$tree\"\n"
	/* put FILE: move it into the store; its digest in $d, its size in $s */
	"put() { d=$(sha256sum \"$1\" | cut -d' ' -f1); s=$(stat -c %s \"$1\"); "
	"mv \"$1\" \"$b/$d\"; }\n"
	/* swap FILE OLD NEW SIZE: point a descriptor at another blob */
	"swap() { sed 's/sha256:'$2'\",\"size\":[0-9]*/sha256:'$3'\",\"size\":'$4'/' \"$1\"; }\n"
	"put \"$out/layer\"; l=$d ls=$s\n"
	"m=$(sed 's/.*\"digest\":\"sha256:\\([0-9a-f]*\\)\".*/\\1/' \"$out/index.json\")\n"
	"c=$(sed -e 's/\"layers\".*//' -e 's/.*\"digest\":\"sha256:\\([0-9a-f]*\\)\".*/\\1/' "
	"\"$b/$m\")\n"
	"sed 's/\\(\"diff_ids\":\\[[^]]*\\)\\]/\\1,\"sha256:'$l'\"]/' \"$b/$c\" > \"$out/config\"\n"
	"put \"$out/config\"; nc=$d ncs=$s\n"
	"swap \"$b/$m\" $c $nc $ncs | sed 's|]}$|,{\"mediaType\":"
	"\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:'$l'\",\"size\":'$ls'}]}|' "
	"> \"$out/manifest\"\n"
	"put \"$out/manifest\"\n"
	"swap \"$out/index.json\" $m $d $s > \"$out/index\"\n"
	"mv \"$out/index\" \"$out/index.json\"\n";

/* The default image plus a layer that @setup builds (and marks). */
static void make_image(char *dir, size_t size, const char *setup)
{
	char src[4096], tree[1024];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", (char *)add_layer_sh,
			 (char *)"add-layer", src, dir, tree, NULL };
	struct run_result r;

	host_dir(dir, size, "img", 0700);
	snprintf(src, sizeof(src), "%s/share/eci/images/default", t_prefix());
	snprintf(tree, sizeof(tree), "%s && echo planted > eci-layer", setup);
	ck_assert_int_eq(t_run(argv, &r), 0);
	t_want(&r, 0);
	t_run_free(&r);
}

/* /dev is eci's tmpfs: the image's /dev/null never shows. */
START_TEST(image_dev_null_symlink)
{
	char img[128];
	struct run_result r;

	make_image(img, sizeof(img), "mkdir dev && ln -s /etc/shadow dev/null");
	T_ECI(&r, img, "/bin/sh", "-c",
	    "cat /eci-layer; stat -c '%F %t:%T' /dev/null; echo x > /dev/null");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "planted\ncharacter special file 1:3\n");
	t_run_free(&r);
}
END_TEST

/* A symlink planted as a system mount point is replaced, not followed. */
START_TEST(image_system_dirs_symlinks)
{
	char img[128];
	struct run_result r;

	make_image(img, sizeof(img), "ln -s /tmp proc && ln -s /tmp sys && ln -s /tmp dev");
	T_ECI(&r, img, "/bin/sh", "-c",
	    "cat /eci-layer; head -n1 /proc/self/status; test -d /sys/kernel && echo sys; "
	    "stat -c %t:%T /dev/null; ls -A /tmp | wc -l");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "planted\nName:\thead\nsys\n1:3\n0\n");
	t_run_free(&r);
}
END_TEST

START_TEST(image_etc_symlinks)
{
	char img[128];
	struct run_result r;

	make_image(img, sizeof(img), "mkdir etc && ln -s /etc/passwd etc/hostname && "
			"ln -s /etc/passwd etc/hosts && ln -s /etc/passwd etc/resolv.conf");
	T_ECI(&r, "--hostname", "h1", "--network", "none", img, "/bin/sh", "-c",
	    "cat /eci-layer /etc/hostname; tail -n1 /etc/hosts; wc -l < /etc/passwd; "
	    "head -n1 /etc/passwd; test -L /etc/hostname || echo no-link");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "planted\nh1\n127.0.1.1\th1\n2\nroot:x:0:0:root:/root:/bin/sh\n"
				"no-link\n");
	t_run_free(&r);
}
END_TEST

/* A volume or tmpfs whose destination the image made a symlink is refused. */
START_TEST(image_volume_symlink)
{
	char img[128], dir[128], spec[160];
	char *mountinfo = NULL;
	struct run_result r;

	make_image(img, sizeof(img), "ln -s /etc data");
	host_dir(dir, sizeof(dir), "vol", 0777);
	snprintf(spec, sizeof(spec), "%s:/data", dir);
	T_ECI(&r, "-v", spec, img, "/bin/sh", "-c", "touch /data/pwned");
	t_want(&r, 125);
	t_has(r.err, "crosses a symlink in the image");
	t_run_free(&r);
	T_ECI(&r, "--tmpfs", "/data", img, "true");
	t_want(&r, 125);
	t_has(r.err, "crosses a symlink in the image");
	t_run_free(&r);
	ck_assert_int_eq(rmdir(dir), 0);	/* still empty */
	ck_assert_int_eq(state_entries(), 0);
	ck_assert_int_eq(read_all_at(AT_FDCWD, "/proc/self/mountinfo", 1 << 20, &mountinfo, NULL),
			 0);
	ck_assert_ptr_null(strstr(mountinfo, dir));
	free(mountinfo);
}
END_TEST

/*
 * A new procfs or sysfs in a container granted CAP_SYS_ADMIN: pid 1 mounts
 * it for the workload (core/mountsup.c), with the masks of the container's
 * own, locked as those are.  masks DIR lists the mounts below DIR, one a
 * line, relative to it.
 */
#define MASKS_FN                                                               \
	"masks() { awk -v d=\"$1/\" 'index($5, d) == 1 "                          \
	"{ print substr($5, length(d) + 1) }' /proc/self/mountinfo | sort; }\n"

static const char new_proc_sh[] =
	PROBE_FNS MASKS_FN
	"mount -t proc proc /mnt/p || exit 1\n"
	"echo \"pid 1: $(cat /mnt/p/1/comm)\"\n"
	"a=$(masks /proc | tr '\\n' ' '); b=$(masks /mnt/p | tr '\\n' ' ')\n"
	"if [ -n \"$a\" ] && [ \"$a\" = \"$b\" ]; then echo \"same masks: $b\"; "
	"else echo \"masks differ: /proc: $a, new: $b\"; fi\n"
	"no mount -o remount,rw /mnt/p/sys\n"
	"no mount -o remount,bind,rw /mnt/p/sys\n"
	"no sh -c 'echo x > /mnt/p/sys/kernel/hostname'\n"
	"no umount /mnt/p/sys\n"
	"no umount -l /mnt/p/sys\n"
	"for p in " MASKED "; do case $p in /proc/*) q=/mnt/p/${p#/proc/}; "
	"! test -e $q || { no umount $q; empty $q; };; esac; done\n"
	"umount -l /mnt/p && echo \"unmounted whole\"\n";

/* @out of new_proc_sh: masked as /proc, locked as it. */
static void check_new_proc(const char *out)
{
	static const char *const masked[] = { "acpi", "asound", "kcore", "keys", "latency_stats",
					      "timer_list", "timer_stats", "sched_debug", "scsi" };
	char line[256], host[64];

	ck_assert_msg(!strstr(out, "ESCAPED"), "%s", out);
	t_has(out, "pid 1: sh\n");
	t_has(out, "same masks: ");
	t_has(out, " sys ");	/* the read-only /proc/sys among them */
	t_has(out, "refused: mount -o remount,rw /mnt/p/sys: mount: permission denied");
	t_has(out, "refused: mount -o remount,bind,rw /mnt/p/sys: mount: permission denied");
	t_has(out, "can't create /mnt/p/sys/kernel/hostname: Read-only file system\n");
	t_has(out, "refused: umount /mnt/p/sys: umount: can't unmount /mnt/p/sys: "
		   "Invalid argument\n");
	t_has(out, "refused: umount -l /mnt/p/sys: umount: can't unmount /mnt/p/sys: "
		   "Invalid argument\n");
	for (size_t i = 0; i < ARRAY_SIZE(masked); i++) {
		snprintf(host, sizeof(host), "/proc/%s", masked[i]);
		if (access(host, F_OK) < 0)
			continue;	/* this kernel lacks it */
		snprintf(line, sizeof(line), "refused: umount /mnt/p/%s: umount: can't unmount "
			 "/mnt/p/%s: Invalid argument\n", masked[i], masked[i]);
		t_has(out, line);
		snprintf(line, sizeof(line), "empty: /mnt/p/%s\n", masked[i]);
		t_has(out, line);
	}
	t_has(out, "unmounted whole\n");
}

/* new_proc_sh, run by @unshare (which makes the pid namespace) in a
 * container granted CAP_SYS_ADMIN: masked and locked as /proc. */
static void new_proc(const char *unshare)
{
	char script[8192];
	struct run_result r;

	snprintf(script, sizeof(script), "mkdir -p /mnt/p; cat > /tmp/new <<'EOF'\n%sEOF\n"
		 "%s sh /tmp/new", new_proc_sh, unshare);
	T_ECI(&r, "--privileged", "default", "/bin/sh", "-c", script);
	t_want(&r, 0);
	check_new_proc(r.out);
	t_run_free(&r);
}

/* unshare --mount-proc, as a nested runtime does it: a new pid namespace's
 * /proc shows its processes only, masked exactly as the container's. */
START_TEST(new_proc_masked)
{
	new_proc("unshare -pf");
}
END_TEST

/* The same from a user namespace of the workload's own, which owns the pid
 * namespace: its CAP_SYS_ADMIN there is what counts. */
START_TEST(new_proc_nested_userns)
{
	new_proc("unshare -Urmpf");
}
END_TEST

/* sysfs for a new network namespace: its interfaces, read-only, the
 * container's masks (its cgroup hierarchies are its own mounts, not masks). */
START_TEST(new_sysfs_masked)
{
	static const char script[] =
		"mkdir -p /mnt/s; cat > /tmp/new <<'EOF'\n" PROBE_FNS MASKS_FN
		"mount -t sysfs sysfs /mnt/s || exit 1\n"
		"echo \"net: $(ls /mnt/s/class/net | tr '\\n' ' ')\"\n"
		"a=$(masks /sys | grep -v ^fs/cgroup | tr '\\n' ' ')\n"
		"b=$(masks /mnt/s | tr '\\n' ' ')\n"
		"if [ -n \"$a\" ] && [ \"$a\" = \"$b\" ]; then echo \"same masks: $b\"; "
		"else echo \"masks differ: /sys: $a, new: $b\"; fi\n"
		"no umount /mnt/s/firmware\n"
		"empty /mnt/s/firmware\n"
		"no mount -o remount,rw /mnt/s\n"
		"no touch /mnt/s/x\n"
		"EOF\n"
		"unshare -n sh /tmp/new";
	static const char *const want[] = {
		"net: lo \n",
		"same masks: firmware ",
		"refused: umount /mnt/s/firmware: umount: can't unmount /mnt/s/firmware: "
		"Invalid argument\n",
		"empty: /mnt/s/firmware\n",
		"refused: mount -o remount,rw /mnt/s: mount: permission denied",
		"refused: touch /mnt/s/x: touch: /mnt/s/x: Read-only file system",
	};
	struct run_result r;

	T_ECI(&r, "--privileged", "default", "/bin/sh", "-c", script);
	t_want(&r, 0);
	ck_assert_msg(!strstr(r.out, "ESCAPED"), "%s", r.out);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		t_has(r.out, want[i]);
	t_run_free(&r);
}
END_TEST

/*
 * Where the kernel would refuse, so does pid 1: a caller without
 * CAP_SYS_ADMIN, or in a user namespace that does not own the pid
 * namespace; options proc does not know; the target resolved in the
 * caller's root, through its symlinks and from its working directory, or
 * named by an fd of the caller's as runc names it (/proc/self/fd/N).
 */
START_TEST(new_proc_rules)
{
	struct run_result r;

	T_ECI(&r, "--privileged", "-u", "1000", "default", "/bin/sh", "-c",
	      "mkdir -p /tmp/p; mount -t proc proc /tmp/p");
	t_want(&r, 1);
	t_has(r.err, "mount: permission denied (are you root?)");
	t_run_free(&r);
	T_ECI(&r, "--privileged", "default", "/bin/sh", "-c",
	      "mkdir -p /mnt/p /mnt/q; unshare -Urm mount -t proc proc /mnt/p; echo \"userns $?\"; "
	      "mount -t proc -o nosuchoption=1 proc /mnt/p; echo \"option $?\"; "
	      "mount -t proc -o mand proc /mnt/p; echo \"flag $?\"; "
	      "ln -s /../../../mnt/p /l; mount -t proc -o hidepid=2 proc /l && "
	      "grep ' /mnt/p ' /proc/self/mountinfo | grep -c hidepid=invisible; "
	      "cd /mnt && mount -t proc proc q && ls /mnt/q/1/comm; "
	      "mkdir /mnt/r; exec 7</mnt/r; mount -t proc proc /proc/self/fd/7 && ls /mnt/r/1/comm");
	t_want(&r, 0);
	t_has(r.err, "mount: permission denied (are you root?)\n");
	t_has(r.out, "userns 1\n");
	t_has(r.err, "mount: mounting proc on /mnt/p failed: Invalid argument\n");
	t_has(r.out, "option 255\nflag 255\n1\n/mnt/q/1/comm\n/mnt/r/1/comm\n");
	t_run_free(&r);
}
END_TEST

/* Without CAP_SYS_ADMIN nothing changes: the same one filter, the same
 * refusal; with it, one filter more, the supervisor's. */
START_TEST(unprivileged_unchanged)
{
	struct run_result r;

	T_ECI(&r, "default", "/bin/sh", "-c",
	      "grep Seccomp_filters /proc/self/status; mkdir -p /mnt/p; "
	      "mount -t proc proc /mnt/p");
	t_want(&r, 1);
	ck_assert_str_eq(r.out, "Seccomp_filters:\t1\n");
	t_has(r.err, "mount: permission denied (are you root?)");
	t_run_free(&r);
	T_ECI(&r, "--privileged", "default", "/bin/sh", "-c",
	      "grep Seccomp_filters /proc/self/status");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "Seccomp_filters:\t2\n");
	t_run_free(&r);
}
END_TEST

Suite *mounts_suite(void)
{
	Suite *s = suite_create("mounts");
	TCase *tc = tcase_create("system view");
	TCase *tf = tcase_create("flags and images");
	TCase *tn = tcase_create("new instances");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, system_view_locked);
	tcase_add_test(tc, no_nested_userns);
	tcase_add_test(tc, privileged_locked);
	tcase_add_test(tc, namespaced_sysctls);
	tcase_add_test(tc, inner_storage);
	tcase_add_test(tc, privileged_locked_nested);
	tcase_add_test(tc, own_tmpfs);
	tcase_add_test(tc, rootfs_is_the_image);
	tcase_add_test(tc, mountinfo_names_no_host_path);
	tcase_add_test(tc, image_untouched);
	suite_add_tcase(s, tc);
	tcase_set_timeout(tn, 60);
	tcase_add_test(tn, new_proc_masked);
	tcase_add_test(tn, new_proc_nested_userns);
	tcase_add_test(tn, new_sysfs_masked);
	tcase_add_test(tn, new_proc_rules);
	tcase_add_test(tn, unprivileged_unchanged);
	suite_add_tcase(s, tn);
	tcase_set_timeout(tf, 60);
	tcase_add_unchecked_fixture(tf, scratch_make, scratch_remove);
	tcase_add_test(tf, read_only_root);
	tcase_add_test(tf, read_only_with_tmpfs);
	tcase_add_test(tf, tmpfs_noexec);
	tcase_add_test(tf, tmpfs_size_mode);
	tcase_add_test(tf, volume_rw);
	tcase_add_test(tf, volume_no_setid);
	tcase_add_test(tf, volume_setgid_dir);
	tcase_add_test(tf, volume_not_world_readable);
	tcase_add_test(tf, volume_ro_file);
	tcase_add_test(tf, bad_input);
	tcase_add_test(tf, hostname_given);
	tcase_add_test(tf, hostname_default);
	tcase_add_test(tf, image_dev_null_symlink);
	tcase_add_test(tf, image_system_dirs_symlinks);
	tcase_add_test(tf, image_etc_symlinks);
	tcase_add_test(tf, image_volume_symlink);
	suite_add_tcase(s, tf);
	return s;
}
