/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util.h - small helpers shared by every module
 */
#ifndef ECI_UTIL_H
#define ECI_UTIL_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/**
 * read_all_at() - read a whole (small) file relative to a directory fd
 * @dirfd: directory, or AT_FDCWD
 * @path:  file name; the last component is not followed if it is a symlink
 * @max:   refuse files larger than this (-EFBIG)
 * @out:   NUL-terminated contents, to be freed by the caller
 * @len:   length without the NUL (may be NULL)
 *
 * Return: 0 or -errno.
 */
int read_all_at(int dirfd, const char *path, size_t max, char **out, size_t *len);

/**
 * mem_trim() - drop setup's code, read-only data and free heap from the
 * resident set of a process that from now on mostly waits (trim.c)
 */
void mem_trim(void);

/*
 * WAITING: the code a long-lived process runs once mem_trim() has dropped
 * setup's, while it only waits: the trim itself and the waiting loops.
 * Kept together at the start of the program's text, beside the PLT it
 * calls libc through, it faults back in as one fault-around window
 * (64 KiB; mm/memory.c), where, spread over its objects, it was three.
 * GNU ld and lld place the .text.hot.* sections there.
 */
#define WAITING __attribute__((noinline, section(".text.hot.eci_waiting")))

/**
 * mem_clear() - memset(@p, 0, @n) that writes only the pages holding a
 * byte that is not zero (util.c).  A large struct in memory never written
 * (the program's zero pages, a fresh mapping) stays out of the resident
 * set but for the pages its fields are then set in.
 */
void mem_clear(void *p, size_t n);

/*
 * How long such a process waits before it trims, in ms: the trim is page
 * table work and TLB flushes on every CPU the process ran on, which a
 * container that ends within this never pays for.  A waiting loop polls
 * with this timeout until it has trimmed, then without one.
 */
#define MEM_TRIM_AFTER_MS 200

/* mem_trim() once @pid (a child) has run on for MEM_TRIM_AFTER_MS, at once
 * if it cannot be watched (no pidfd); not if it ends before. */
void mem_trim_later(pid_t pid);

/**
 * read_fd_all() - read an open fd to its end, same contract as read_all_at()
 */
int read_fd_all(int fd, size_t max, char **out, size_t *len);

/* CLOCK_MONOTONIC in milliseconds: for deadlines and ages */
long long mono_ms(void);

/**
 * write_all() - write the whole buffer, retrying short writes and EINTR
 *
 * Return: 0 or -errno.
 */
int write_all(int fd, const void *buf, size_t len);

/**
 * self_exe_dir() - directory of the running executable (from /proc/self/exe)
 * @buf: output buffer
 * @size: its size
 *
 * Return: 0 or -errno.
 */
int self_exe_dir(char *buf, size_t size);

/**
 * self_exe_path() - @rel beside the running executable: "DIR/@rel", DIR
 * its directory (the helper beside eci-run, "../share/eci/...")
 * @buf: output buffer
 * @size: its size
 *
 * Return: 0 or -errno.
 */
int self_exe_path(const char *rel, char *buf, size_t size);

/**
 * rm_rf_at() - remove a directory tree without following symlinks and
 * without crossing into other mounts
 * @dirfd: directory containing @name
 * @name:  entry to remove
 *
 * Return: 0 or -errno of the first failure (removal goes on past it).
 */
int rm_rf_at(int dirfd, const char *name);

/**
 * rm_dir_contents_at() - empty a directory, same rules as rm_rf_at()
 * @fd: the directory
 *
 * Return: 0 or -errno.
 */
int rm_dir_contents_at(int fd);

/**
 * spare_put() - keep a state directory for the next container
 * @dirfd: directory containing @name and @spare
 * @name:  the directory of a container that is gone
 * @spare: the name it is kept under, one at most
 * @keep:  its mount points, emptied and kept; everything else is removed
 *
 * Where the state directories are on a disk file system, each directory
 * removed can cost a synchronous discard (ext4 without a journal, mounted
 * with discard); a spare keeps its mount points for the next container.
 * Return: 0, or -1 when @name could not be made a spare (left as it is).
 */
int spare_put(int dirfd, const char *name, const char *spare, bool (*keep)(const char *));

/**
 * spare_take() - the spare spare_put() left, as @name
 * @dirfd: directory containing @spare and @name
 * @spare: the spare's name
 * @name:  the new container's directory (touched: sweeps read its mtime)
 * @mode:  the mode a spare must have; one that is not a directory of the
 *         caller's with this mode is removed, not taken
 *
 * Return: 0, or -1 with errno (no spare: ENOENT; @name exists: EEXIST).
 */
int spare_take(int dirfd, const char *spare, const char *name, mode_t mode);

/**
 * mkdir_p() - create a directory and any missing parents
 * @path:        the directory
 * @parent_mode: mode of parents created on the way
 * @mode:        mode of @path itself (an existing one is left as it is)
 *
 * Return: 0 or -errno.
 */
int mkdir_p(const char *path, mode_t parent_mode, mode_t mode);

/**
 * idmap_write() - a user namespace's uid_map or gid_map, of one line
 * @dirfd: where @file is looked up (a /proc/PID fd, or AT_FDCWD)
 * @file:  its uid_map or gid_map ("uid_map", "PID/gid_map", "/proc/self/uid_map")
 *
 * "@inside @outside @count", in the single write() the kernel requires.
 * Return: 0 or -errno (of the open or of the write).
 */
int idmap_write(int dirfd, const char *file, unsigned long inside, unsigned long outside,
		unsigned long count);
/* The same, of several lines: @text (subid_map_text()) in one write(). */
int idmap_write_text(int dirfd, const char *file, const char *text);

/* The code a shell gives for a wait status: the exit code, or 128+N when
 * signal N ended the process. */
int exit_code(int status);

/**
 * proc_stat() - a process's parent and start time, from /proc/PID/stat
 * @ppid, @starttime: filled when not NULL (start time in clock ticks since
 *                    boot, field 22: with the pid, a process's identity)
 *
 * Return: 0, -ESRCH when there is no such process, or -errno.
 */
int proc_stat(pid_t pid, pid_t *ppid, unsigned long long *starttime);

/* Does the process of @pidfd still run?  (A pidfd reads ready once it
 * has exited.)  While it does, its pid names it and no other. */
bool pidfd_alive(int pidfd);

/**
 * login_defs_id() - a numeric setting of /etc/login.defs (UID_MIN, GID_MAX, ...)
 * @key:  its name
 * @dflt: the value when the file or the setting is missing or malformed
 */
unsigned long login_defs_id(const char *key, unsigned long dflt);

/*
 * title_init() - move main()'s arguments to the heap (argv[] is updated)
 * and remember where they were; title_set() then overwrites that area, so that /proc/PID/cmdline of this process (and of children forked
 * after, without exec) shows @title instead: a container's pid 1 is forked
 * from the launcher and must not show the host paths of its command line.
 */
void title_init(int argc, char **argv);
void title_set(const char *title);

/*
 * tl_init() - with ECI_TIMELINE=FILE, open FILE for tl_mark(); tl_mark()
 * appends "NANOSECONDS STEP" (CLOCK_MONOTONIC) to it, tl_close() closes it
 * (timeline.c).  Without the variable they do nothing.
 */
void tl_init(void);
void tl_mark(const char *step);
void tl_close(void);
/* tl_init()'s fd, or -1 */
int tl_fileno(void);

/**
 * fds_keep_only() - close every fd of the process but @keep's (util.c)
 * @keep: fds to keep, in any order (a negative one keeps nothing)
 * @n:    their number, at most 16
 *
 * By range (close_range(2)): what an fd is does not matter, nor whether
 * the caller knows of it.  Return: 0, or -errno of the first range that
 * could not be closed.
 */
int fds_keep_only(const int *keep, size_t n);

/* Is @name (@n bytes) one of the comma-separated (or, with @sep ' ',
 * space-separated) @list? */
bool str_in_list(const char *list, const char *name, size_t n, char sep);
/* Does the comma-separated @list hold each name of the comma-separated @want? */
bool str_has_all(const char *list, const char *want);
/* A signal as kill(1), docker and runc take it: a number, or a name with
 * or without SIG in any case ("TERM", "SIGRTMIN+3", "rtmax-1"); 0: none */
int signal_parse(const char *s);
/* @prog along the ':'-separated @path (an empty entry: @here) into @buf:
 * the first for which @ok(file) holds; false (@buf "") if none does */
bool path_find(const char *path, const char *prog, const char *here,
	       bool (*ok)(const char *file), char *buf, size_t size);
/* A new child is queued on its parent's CPU and waits there for the
 * parent's next sleep, another CPU idle or not.  Let @pid run on the CPUs
 * of @ours (the caller's, as sched_getaffinity() gave them) but the one the
 * caller is on: a hint, nothing when it fails or @ours holds one CPU. */
void cpus_aside(pid_t pid, const cpu_set_t *ours);
/* The set cpus_aside() gives: false where it would give none. */
bool cpus_others(const cpu_set_t *ours, cpu_set_t *others);

#endif
