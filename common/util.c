// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * util.c - file and path helpers shared by the launcher, the helper and tests
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "util.h"

/*
 * The reads go to the stack first, and a file that fits there (most: the
 * id files, /proc's, policy) gets a buffer of its own size.  A buffer of a
 * page or more is a size class of its own in musl's malloc (the helper's),
 * whose group is mapped for it and unmapped again once it is freed: two
 * system calls and a page fault each time, a dozen times a start.
 */
int read_fd_all(int fd, size_t max, char **out, size_t *len)
{
	char first[4096], *at = first;
	size_t cap = sizeof(first), n = 0;
	_cleanup_free_ char *buf = NULL;

	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb;

			if (cap > max)
				return -EFBIG;
			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb)
				return -ENOMEM;
			if (!buf)
				memcpy(nb, first, n);
			buf = at = nb;
		}
		r = read(fd, at + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max)
			return -EFBIG;
	}
	if (!buf) {
		buf = malloc(n + 1);
		if (!buf)
			return -ENOMEM;
		memcpy(buf, first, n);
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	*out = steal_ptr(buf);
	return 0;
}

int read_all_at(int dirfd, const char *path, size_t max, char **out, size_t *len)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);

	if (fd < 0)
		return -errno;
	return read_fd_all(fd, max, out, len);
}

long long mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int self_exe_dir(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size);
	char *slash;

	if (n < 0)
		return -errno;
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	if (!*buf)
		strcpy(buf, "/");
	return 0;
}

int self_exe_path(const char *rel, char *buf, size_t size)
{
	char dir[4096];
	int n, r = self_exe_dir(dir, sizeof(dir));

	if (r < 0)
		return r;
	n = snprintf(buf, size, "%s/%s", dir, rel);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int rm_dir_contents(int fd, dev_t dev)

{
	_cleanup_close_ int dup_fd = dup(fd);
	DIR *d;
	struct dirent *de;
	int ret = 0;

	if (dup_fd < 0)
		return -errno;
	d = fdopendir(dup_fd);
	if (!d)
		return -errno;
	dup_fd = -1;
	while ((de = readdir(d))) {
		int r;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		r = 0;
		if (de->d_type == DT_DIR || de->d_type == DT_UNKNOWN) {
			struct stat st;

			if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
				r = -errno;
			} else if (S_ISDIR(st.st_mode)) {
				if (st.st_dev != dev) {
					r = -EXDEV;	/* a mount point: never descend */
				} else {
					r = rm_rf_at(fd, de->d_name);
					goto next;
				}
			}
		}
		if (!r && unlinkat(fd, de->d_name, 0) < 0)
			r = -errno;
next:
		if (r && !ret)
			ret = r;
	}
	closedir(d);
	return ret;
}

int rm_rf_at(int dirfd, const char *name)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	int ret;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dirfd, name, 0) < 0 ? -errno : 0;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = rm_dir_contents(fd, st.st_dev);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && !ret)
		ret = -errno;
	return ret;
}

int rm_dir_contents_at(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	return rm_dir_contents(fd, st.st_dev);
}

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

/* renameat2(RENAME_NOREPLACE), which not every libc this is built with declares */
static int rename_noreplace(int at, const char *from, const char *to)
{
	return (int)syscall(SYS_renameat2, at, from, at, to, RENAME_NOREPLACE);
}

int spare_put(int at, const char *name, const char *spare, bool (*keep)(const char *))
{
	int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	int r = 0;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((de = readdir(d))) {
		_cleanup_close_ int sub = -1;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!keep(de->d_name)) {
			r |= rm_rf_at(dirfd(d), de->d_name);
			continue;
		}
		sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		r |= sub < 0 ? -1 : rm_dir_contents_at(sub);
	}
	closedir(d);
	if (r)
		return -1;
	return rename_noreplace(at, name, spare) < 0 ? -1 : 0;
}

int spare_take(int at, const char *spare, const char *name, mode_t mode)
{
	struct stat st;

	if (utimensat(at, spare, NULL, AT_SYMLINK_NOFOLLOW) < 0 ||
	    rename_noreplace(at, spare, name) < 0)
		return -1;
	if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) &&
	    st.st_uid == geteuid() && (st.st_mode & 07777) == mode)
		return 0;
	rm_rf_at(at, name);	/* not what spare_put() leaves */
	errno = ENOENT;
	return -1;
}

int mkdir_p(const char *path, mode_t parent_mode, mode_t mode)
{
	char buf[4096];

	if (strlen(path) >= sizeof(buf))
		return -ENAMETOOLONG;
	strcpy(buf, path);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, parent_mode) < 0 && errno != EEXIST)
				return -errno;
			*p = '/';
		}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static char *title_start, *title_end;

void title_init(int argc, char **argv)
{
	char *start, *end;

	if (argc < 1 || !argv[0])
		return;
	start = argv[0];
	end = argv[argc - 1] + strlen(argv[argc - 1]) + 1;
	/* The arguments move to the heap, so that what the program keeps of
	 * them survives title_set(). */
	for (int i = 0; i < argc; i++) {
		char *copy = strdup(argv[i]);

		if (!copy)
			return;	/* then the title stays as it is */
		argv[i] = copy;
	}
	title_start = start;
	title_end = end;
}

void title_set(const char *title)
{
	size_t room = (size_t)(title_end - title_start);

	if (!title_start || !room)
		return;
	memset(title_start, 0, room);
	memcpy(title_start, title, strnlen(title, room - 1));
}

unsigned long login_defs_id(const char *key, unsigned long dflt)
{
	char *buf = NULL, *line, *save = NULL;
	unsigned long v = dflt;
	size_t n = strlen(key);

	if (read_all_at(AT_FDCWD, "/etc/login.defs", 1 << 20, &buf, NULL) < 0)
		return dflt;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *end;
		unsigned long x;

		line += strspn(line, " \t");
		if (strncmp(line, key, n) || (line[n] != ' ' && line[n] != '\t'))
			continue;
		errno = 0;
		x = strtoul(line + n, &end, 10);
		if (!errno && end != line + n && (*end == '\0' || strchr(" \t#", *end)))
			v = x;
	}
	free(buf);
	return v;
}

int proc_stat(pid_t pid, pid_t *ppid, unsigned long long *starttime)
{
	_cleanup_free_ char *stat = NULL;
	unsigned long long start;
	char path[64], *p;
	int parent, r;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (pid <= 0)
		return -ESRCH;
	r = read_all_at(AT_FDCWD, path, 4096, &stat, NULL);
	if (r < 0)
		return r == -ENOENT ? -ESRCH : r;
	/* comm (field 2) may hold spaces and ')': the fields follow the last
	 * ')'.  State (3), ppid (4), 17 fields, starttime (22). */
	p = strrchr(stat, ')');
	if (!p || sscanf(p + 1, " %*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
			 "%*d %*d %*d %llu", &parent, &start) != 2)
		return -EINVAL;
	if (ppid)
		*ppid = (pid_t)parent;
	if (starttime)
		*starttime = start;
	return 0;
}

int exit_code(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int idmap_write(int dirfd, const char *file, unsigned long inside, unsigned long outside,
		unsigned long count)
{
	char line[80];

	snprintf(line, sizeof(line), "%lu %lu %lu\n", inside, outside, count);
	return idmap_write_text(dirfd, file, line);
}

int idmap_write_text(int dirfd, const char *file, const char *text)
{
	size_t n = strlen(text);
	int fd = openat(dirfd, file, O_WRONLY | O_NOFOLLOW | O_CLOEXEC), r = 0;
	ssize_t w;

	if (fd < 0)
		return -errno;
	w = write(fd, text, n);
	if (w != (ssize_t)n)
		r = w < 0 ? -errno : -EIO;
	close(fd);
	return r;
}

bool pidfd_alive(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	return poll(&p, 1, 0) == 0;
}

/* Is @name (@n bytes) one of the comma-separated (or, with @sep ' ',
 * space-separated) @list? */
bool str_in_list(const char *list, const char *name, size_t n, char sep)
{
	while (*list) {
		size_t len = strcspn(list, sep == ',' ? "," : " ");

		if (len == n && !strncmp(list, name, n))
			return true;
		list += len + (list[len] == sep);
	}
	return false;
}

/* Does the comma-separated @opts hold each name of the comma-separated @want? */
bool str_has_all(const char *opts, const char *want)
{
	while (*want) {
		size_t n = strcspn(want, ",");

		if (!str_in_list(opts, want, n, ','))
			return false;
		want += n + (want[n] == ',');
	}
	return true;
}

int signal_parse(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s && *s != '+' && *s != '-' && !*end)
		return n > 0 && n < NSIG ? (int)n : 0;
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	if (!strncasecmp(s, "RTMIN", 5) || !strncasecmp(s, "RTMAX", 5)) {
		bool max = (s[3] | 0x20) == 'a';

		n = 0;
		if (s[5]) {
			if (s[5] != (max ? '-' : '+') || s[6] < '0' || s[6] > '9')
				return 0;
			n = strtol(s + 6, &end, 10);
			if (*end)
				return 0;
		}
		n = max ? SIGRTMAX - n : SIGRTMIN + n;
		return n >= SIGRTMIN && n <= SIGRTMAX ? (int)n : 0;
	}
#ifdef __GLIBC__	/* musl (the helper's libc, which parses no signal) has no names */
	for (int i = 1; i < SIGRTMIN; i++) {
		const char *name = sigabbrev_np(i);

		if (name && !strcasecmp(name, s))
			return i;
	}
#endif
	return 0;
}

bool path_find(const char *path, const char *prog, const char *here,
	       bool (*ok)(const char *file), char *buf, size_t size)
{
	for (const char *p = path;; p++) {
		size_t n = strcspn(p, ":");

		if (snprintf(buf, size, "%.*s/%s", (int)n, n ? p : here, prog) < (int)size &&
		    ok(buf))
			return true;
		p += n;
		if (!*p)
			break;
	}
	buf[0] = '\0';
	return false;
}

bool cpus_others(const cpu_set_t *ours, cpu_set_t *others)
{
	int cpu = sched_getcpu();

	if (cpu < 0 || cpu >= CPU_SETSIZE || CPU_COUNT(ours) < 2 || !CPU_ISSET(cpu, ours))
		return false;
	*others = *ours;
	CPU_CLR(cpu, others);
	return true;
}

void cpus_aside(pid_t pid, const cpu_set_t *ours)
{
	cpu_set_t others;

	if (cpus_others(ours, &others))
		sched_setaffinity(pid, sizeof(others), &others);
}

int fds_keep_only(const int *keep, size_t n)
{
	int k[16];
	size_t m = 0;
	unsigned lo = 0;

	if (n > 16)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {	/* ascending, without repeats */
		size_t j = m;

		if (keep[i] < 0)
			continue;
		while (j > 0 && k[j - 1] > keep[i])
			j--;
		if (j > 0 && k[j - 1] == keep[i])
			continue;
		memmove(k + j + 1, k + j, (m - j) * sizeof(k[0]));
		k[j] = keep[i];
		m++;
	}
	for (size_t i = 0; i <= m; i++) {
		unsigned hi = i < m ? (unsigned)k[i] : ~0U;

		if (hi > lo && syscall(SYS_close_range, lo, hi - (i < m), 0) < 0)
			return -errno;
		if (i < m)
			lo = (unsigned)k[i] + 1;
	}
	return 0;
}

void mem_clear(void *p, size_t n)
{
	unsigned char *b = p;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	while (n) {
		size_t len = page - ((uintptr_t)b & (page - 1));

		if (len > n)
			len = n;
		/* read first: a page never written reads as the zero page */
		if (b[0] || (len > 1 && memcmp(b, b + 1, len - 1)))
			memset(b, 0, len);
		b += len;
		n -= len;
	}
}
