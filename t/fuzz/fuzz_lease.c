// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_lease.c - lease records: whatever lease_parse() accepts must be
 * exactly what lease_format() writes for it; the stat parsers never
 * read out of bounds; and the scan's slot test agrees with the status
 * reader's.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "subid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[LEASE_MAX], *s;
	struct lease l;
	unsigned long long t, ids[8];

	if (lease_parse((const char *)data, size, &l) == 0) {
		int n = lease_format(&l, buf, sizeof(buf));

		if (n < 0 || (size_t)n != size || memcmp(buf, data, size))
			abort();
	}
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	lease_stat_starttime(s, &t);
	lease_stat_dead(s);
	/* Both readers of /proc/PID/status must agree on what they find. */
	if (lease_status_ids(s, ids)) {
		static const uint32_t start[1] = { 1000 };
		const struct lease_slots one = { start, start, 1 };
		bool any = false, busy[1] = { false };

		for (int i = 0; i < 4; i++)
			any |= ids[i] >= 1000 && ids[i] < 1000 + 65536;
		if (any != lease_ids_in_slot(s, "Uid:", 1000, 65536))
			abort();
		/* And the scan's slot test sees what the per-line reader sees. */
		any |= lease_ids_in_slot(s, "Gid:", 1000, 65536);
		if (lease_ids_hit(ids, &one, busy, true) != any || busy[0] != any)
			abort();
	} else if (lease_ids_in_slot(s, "Uid:", 1000, 65536)) {
		abort();
	}
	free(s);
	return 0;
}
