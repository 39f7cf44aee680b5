// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * thp.c - eci-thp.so: pasta's zero-filled data on huge pages
 *
 * Theory of Operation: pasta keeps its flow tables and packet buffers in
 * static arrays, 70 MB of zero-filled data (.bss) in Debian 12's passt, and
 * its start clears and fills about 20 MB of them (memset() of memory that
 * is zero already).  On 4 KiB pages that is some 4,900 page faults, and a
 * fault is dear under a hypervisor: they are most of pasta's time from its
 * exec to its tap, 15 ms of 28 measured here, while the container waits.
 * The kernel backs such memory with 2 MB pages only where it is advised
 * to (MADV_HUGEPAGE) when transparent huge pages are "madvise", Debian's
 * default; pasta advises its main packet buffer, not the rest.
 *
 * eci-run starts pasta with this library preloaded (LD_PRELOAD, net/
 * netmode.c), and its constructor, run by the dynamic loader before
 * pasta's main(), advises the zero-filled part of each writable segment of
 * the main program.  The price is memory: a 2 MB page is taken whole where
 * pasta touches any of it (pasta's resident size 39 MB instead of 22 MB
 * measured here); the kernel splits huge pages that are mostly zero when
 * memory runs short.
 *
 * The stack as well.  pasta's main() keeps its context on the stack,
 * which grows by 2.9 MB at its start, some 230 pages of it written, each
 * a fault of its own.  So the constructor grows the stack by STACK_AHEAD
 * below its own frame, advises that part for huge pages and has the
 * kernel fill it at once (MADV_POPULATE_WRITE).  pasta's fork and exec to
 * its default route, measured here in turn with the library before and
 * after (medians of 20 to 100): 11.0 against 8.5 ms, 9.4 against 8.4, 8.9
 * against 8.3, 10.8 against 9.3.  The stack is grown by a system call
 * that writes there: the kernel's fault on a user address grows the stack
 * as pasta's own would, within RLIMIT_STACK and the guard gap, and where
 * it may not the call fails (EFAULT), where pasta's write would have died
 * of SIGSEGV; then nothing more is done.
 *
 * Nothing else: no allocation, no output, no state; a kernel without THP
 * or without MADV_POPULATE_WRITE (Linux 5.14) refuses the advice and pasta
 * runs as before.
 */
#include <elf.h>
#include <link.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/* Debian 12's pasta: its stack is 2.9 MB once it has started. */
#define STACK_AHEAD (4UL << 20)

/* The main program's load address (0 unless it is position-independent):
 * where its program headers are, less where they say they are (PT_PHDR);
 * false if they do not say. */
static bool load_base(const ElfW(Phdr) *ph, unsigned long n, uintptr_t *base)
{
	for (unsigned long i = 0; i < n; i++)
		if (ph[i].p_type == PT_PHDR) {
			*base = (uintptr_t)ph - ph[i].p_vaddr;
			return true;
		}
	return false;
}

static void stack_ahead(unsigned long page)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0) & ~(uintptr_t)(page - 1);
	uintptr_t low = sp - STACK_AHEAD;

	if (sp <= STACK_AHEAD ||
	    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (struct timespec *)low) < 0)
		return;
	madvise((void *)low, STACK_AHEAD, MADV_HUGEPAGE);
	madvise((void *)low, STACK_AHEAD, MADV_POPULATE_WRITE);
}

__attribute__((constructor)) static void thp_advise(void)
{
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)getauxval(AT_PHDR);
	unsigned long n = getauxval(AT_PHNUM), page = getauxval(AT_PAGESZ);
	uintptr_t base;

	if (!ph || !n || !page || !load_base(ph, n, &base))
		return;
	for (unsigned long i = 0; i < n; i++) {
		uintptr_t start, end;

		if (ph[i].p_type != PT_LOAD || !(ph[i].p_flags & PF_W) ||
		    ph[i].p_memsz <= ph[i].p_filesz)
			continue;
		/* From the first page the file does not back: that one is a
		 * private copy of the file's, the rest anonymous memory. */
		start = (base + ph[i].p_vaddr + ph[i].p_filesz + page - 1) & ~(page - 1);
		end = (base + ph[i].p_vaddr + ph[i].p_memsz + page - 1) & ~(page - 1);
		if (end > start)
			madvise((void *)start, end - start, MADV_HUGEPAGE);
	}
	stack_ahead(page);
}
