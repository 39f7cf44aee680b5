/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scprebuilt.h - default filters built at build time (see scdefault.c) */
#ifndef ECI_SCPREBUILT_H
#define ECI_SCPREBUILT_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

struct sc_prebuilt {
	uint64_t caps;			/* the capability set it was built for */
	unsigned short len;
	const struct sock_filter *insns;
};

extern const struct sc_prebuilt sc_prebuilt[];
extern const size_t sc_nprebuilt;

#endif
