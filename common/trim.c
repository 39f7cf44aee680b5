// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * trim.c - give back the memory of setup once a process only waits
 *
 * Theory of Operation: eci-run and the container's pid 1 live as long as
 * the container, but after the start they only wait, pass signals on and
 * clean up.  What they touched while setting up stays resident: the code and
 * read-only data of the parsers, the seccomp builder and the mount setup
 * (eci-run's own and libc's), freed heap.  mem_trim() drops it:
 *
 *   - every loaded object's segments that are not writable (code, read-only
 *     data; from the program headers, dl_iterate_phdr()).  Nothing ever
 *     writes them, so each resident page is still the file's, and
 *     MADV_DONTNEED only takes it out of this process's page tables: it
 *     stays in the page cache, and what runs again faults back in from
 *     there.  Writable segments, which hold the relocated read-only data
 *     (RELRO) too, are never touched: dropping them would lose what was
 *     written.  An object whose text the loader relocates (DT_TEXTREL) is
 *     left alone, and so is the vDSO.
 *   - the heap's free memory (malloc_trim).
 *
 * What runs after it faults back in a fault-around window (64 KiB) at a
 * time, so the trim and the waiting loops are kept together at the start
 * of the text (WAITING, util.h): one or two windows, not one per object.
 *
 * mem_trim_later() and the waiting loops (MEM_TRIM_AFTER_MS) do it only
 * once the workload has run for a moment: a container that ends at once
 * would pay for dropping what its end drops anyway.
 *
 * It changes what the process holds, not what it does; but a breakpoint or
 * uprobe set in it before (a private copy of a code page) is gone after.
 */
#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <link.h>
#include <malloc.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

static bool text_relocated(const struct dl_phdr_info *info)
{
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_DYNAMIC)
			continue;
		for (const ElfW(Dyn) *d = (const ElfW(Dyn) *)(info->dlpi_addr + ph->p_vaddr);
		     d->d_tag != DT_NULL; d++)
			if (d->d_tag == DT_TEXTREL ||
			    (d->d_tag == DT_FLAGS && (d->d_un.d_val & DF_TEXTREL)))
				return true;
	}
	return false;
}

#define MAX_RANGES 64

struct ranges {
	size_t page, n;
	uintptr_t lo[MAX_RANGES], len[MAX_RANGES];
};

static int collect(struct dl_phdr_info *info, size_t size, void *data)
{
	struct ranges *r = data;

	(void)size;
	if (!strncmp(info->dlpi_name, "linux-vdso", 10) || !strncmp(info->dlpi_name, "linux-gate", 10) ||
	    text_relocated(info))
		return 0;
	for (int i = 0; i < info->dlpi_phnum && r->n < MAX_RANGES; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo, hi;

		if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W))
			continue;
		/* whole pages of the segment only */
		lo = (info->dlpi_addr + ph->p_vaddr + r->page - 1) & ~(r->page - 1);
		hi = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz) & ~(r->page - 1);
		if (hi > lo) {
			r->lo[r->n] = lo;
			r->len[r->n++] = hi - lo;
		}
	}
	return 0;
}

/*
 * The system call itself, not libc's madvise(): returning into libc's text
 * just dropped would fault its 64 KiB around back in (the kernel maps a
 * whole fault-around window at once), for every range; this code's own
 * page comes back once, and it is needed anyway.
 */
WAITING static void zap(uintptr_t lo, uintptr_t len)
{
#if defined(__x86_64__)
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"((long)SYS_madvise), "D"(lo), "S"(len), "d"((long)MADV_DONTNEED)
			 : "rcx", "r11", "memory");
	(void)ret;
#else
	madvise((void *)lo, len, MADV_DONTNEED);
#endif
}

WAITING void mem_trim(void)
{
	struct ranges r = { .page = (size_t)sysconf(_SC_PAGESIZE) };

	malloc_trim(0);
	dl_iterate_phdr(collect, &r);
	for (size_t i = 0; i < r.n; i++)
		zap(r.lo[i], r.len[i]);
}

WAITING void mem_trim_later(pid_t pid)
{
	struct pollfd p = { .fd = (int)syscall(SYS_pidfd_open, pid, 0), .events = POLLIN };
	int r = 0;

	if (p.fd >= 0) {
		while ((r = poll(&p, 1, MEM_TRIM_AFTER_MS)) < 0 && errno == EINTR)
			;
		close(p.fd);
	}
	if (r == 0)
		mem_trim();
}
