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
 * It changes what the process holds, not what it does.
 */
#include <elf.h>
#include <stdbool.h>
#include <link.h>
#include <malloc.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
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

static int trim_object(struct dl_phdr_info *info, size_t size, void *data)
{
	uintptr_t page = *(const size_t *)data;

	(void)size;
	if (!strncmp(info->dlpi_name, "linux-vdso", 10) || !strncmp(info->dlpi_name, "linux-gate", 10) ||
	    text_relocated(info))
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo, hi;

		if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W))
			continue;
		/* whole pages of the segment only */
		lo = (info->dlpi_addr + ph->p_vaddr + page - 1) & ~(page - 1);
		hi = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz) & ~(page - 1);
		if (hi > lo)
			madvise((void *)lo, hi - lo, MADV_DONTNEED);
	}
	return 0;
}

void mem_trim(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	malloc_trim(0);
	dl_iterate_phdr(trim_object, &page);
}
