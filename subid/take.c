// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * take.c - one slot for one container, from the id files to the lease
 *
 * The steps, in the order that keeps the lease directory's locks short:
 * both id files and the scan of every process first (subid_pool_load(),
 * done early by a caller that can foresee the request), then the process's
 * start time, then under the locks the pick and the lease (lease.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cleanup.h"
#include "subid-int.h"
#include "util.h"

int subid_deny(struct eci_err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	e->err = 0;
	return SUBID_DENIED;
}

int subid_pool_load(struct subid_pool *p, const struct subid_user *u, struct eci_err *e)
{
	int r;

	p->busy = NULL;
	r = subid_file_load(&p->uids, SUBUID_PATH, 'u', u, e);
	if (r == 0)
		r = subid_file_load(&p->gids, SUBGID_PATH, 'g', u, e);
	if (r < 0)
		return r;
	p->n = lease_slot_count(&p->uids, &p->gids);
	p->busy = calloc(p->n + 1, sizeof(*p->busy));
	if (!p->busy)
		return eci_fail(e, 0, "out of memory");
	r = lease_scan(&p->uids, &p->gids, p->busy, true, e);
	if (r < 0)
		subid_pool_free(p);
	return r;
}

void subid_pool_free(struct subid_pool *p)
{
	free(steal_ptr(p->busy));
}

/* Field 22 of the process's stat, read through the fd that names it. */
static int starttime(const struct subid_request *rq, unsigned long long *t, struct eci_err *e)
{
	_cleanup_free_ char *buf = NULL;
	int r = read_all_at(rq->procfd, "stat", 4096, &buf, NULL);

	if (r < 0) {
		eci_fail(e, -r, "process %d: read stat", (int)rq->pid);
		return r == -ESRCH ? SUBID_DENIED : r;	/* gone meanwhile */
	}
	if (lease_stat_starttime(buf, t) < 0)
		return eci_fail(e, 0, "process %d: cannot parse its stat", (int)rq->pid);
	return 0;
}

static int take(const struct subid_user *u, const struct subid_pool *p,
		const struct subid_request *rq, struct lease *out, struct eci_err *e)
{
	unsigned long long t;
	struct leases ls;
	int r = starttime(rq, &t, e);

	if (r < 0)
		return r;
	r = leases_open(&ls, u->uid, e);
	if (r < 0)
		return r;
	r = lease_pick(&ls, u, p, rq, out, e);
	if (r == 0 && rq->recheck)
		r = rq->recheck(rq->ctx, e);
	if (r == 0) {
		out->pid = rq->pid;
		out->starttime = t;
		r = lease_commit(&ls, out, e);
	}
	leases_close(&ls);
	return r;
}

int subid_take(const struct subid_user *u, const struct subid_pool *pool,
	       const struct subid_request *rq, struct lease *out, struct eci_err *e)
{
	struct subid_pool own;
	int r;

	if (pool)
		return take(u, pool, rq, out, e);
	r = subid_pool_load(&own, u, e);
	if (r < 0)
		return r;
	r = take(u, &own, rq, out, e);
	subid_pool_free(&own);
	return r;
}
