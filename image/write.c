// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * write.c - a layer's files written by threads of their own
 *
 * Theory of Operation: the tar reader (unpack.c) makes every entry itself,
 * in the layer's order and with the checks unpack.c describes; what is
 * left of a regular file once it is open (O_NOFOLLOW | O_EXCL) is writing
 * its bytes and setting its owner, mode, file caps and times, all through
 * its fd: no name is resolved any more.  That part is most of the kernel's
 * work (the copies into the page cache), and one CPU does it no faster
 * than tar -xf: so it is handed to writer threads, each file to one writer
 * and in order, and files are written side by side.  A file smaller than
 * HANDOFF costs less to write than to hand over (a writer woken, a
 * context switch): the tar reader writes it itself.
 *
 * A file's bytes are written from the feed's buffers (feed.c), which the
 * filler does not fill again before the write is done (img_feed_hold());
 * bytes libarchive copied out of them are written at once, by the tar
 * reader.  The tar reader waits for room when a writer has QUEUE requests
 * waiting or MAX_OPEN files are open (each holds an fd).  The first error
 * is kept: the unpack fails with it once every writer is done, before the
 * layer can be published; after an error, writers only close what is
 * open.  Where no thread can be started (a pids limit), the tar reader
 * does all of it itself.
 *
 * Warnings from any thread go through img_warn_entry(), one at a time.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "image-int.h"

#define MAX_WRITERS 4
#define QUEUE 256
#define MAX_OPEN 128
#define HANDOFF (128 << 10)

struct img_wfile {
	int fd;
	int writer;		/* -1: the tar reader writes it */
	struct img_meta m;
	char path[];		/* for messages */
};

struct req {
	struct img_wfile *file;
	const void *buf;	/* NULL: the file's end (metadata, close) */
	size_t len;
	off_t off;
	int slot;		/* the feed's, held for buf */
};

struct writer {
	struct img_writers *w;
	pthread_t thread;
	pthread_cond_t more;	/* a request queued, or the end */
	unsigned head, tail;	/* requests queued, done */
	struct req q[QUEUE];
};

struct img_writers {
	struct img_feed *feed;
	const char *what;
	pthread_mutex_t lock;
	pthread_cond_t room;	/* a request done */
	unsigned nwriters, next, open;
	bool end;
	int err;		/* the first error, and the file it was of */
	char err_path[200];
	struct writer wr[MAX_WRITERS];
};

static pthread_mutex_t warn_lock = PTHREAD_MUTEX_INITIALIZER;

void img_warn_entry(const char *what, const char *path, const char *why)
{
	pthread_mutex_lock(&warn_lock);
	eci_warn("%s: entry '%.200s' skipped: %s", what, path, why);
	pthread_mutex_unlock(&warn_lock);
}

void img_apply_meta(int fd, const struct img_meta *m, const char *what, const char *path)
{
	if (m->chown && fchown(fd, m->uid, m->gid) < 0)
		img_warn_entry(what, path, "cannot set its owner");
	if (m->chmod)
		fchmod(fd, m->mode);
	if (m->ncaps)
		fsetxattr(fd, "security.capability", m->caps, m->ncaps, 0);
	futimens(fd, m->times);
}

static void fail(struct img_writers *w, int err, const char *path)
{
	pthread_mutex_lock(&w->lock);
	if (!w->err) {
		w->err = err;
		snprintf(w->err_path, sizeof(w->err_path), "%s", path);
	}
	pthread_mutex_unlock(&w->lock);
}

static int write_at(int fd, const char *buf, size_t len, off_t off)
{
	while (len) {
		ssize_t n = pwrite(fd, buf, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EIO;	/* ENOSPC, most likely */
		buf += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/* A request, done; @failed: an error was kept already, only close. */
static void serve(struct img_writers *w, const struct req *r, bool failed)
{
	struct img_wfile *f = r->file;
	int err;

	if (r->buf) {
		if (!failed && (err = write_at(f->fd, r->buf, r->len, r->off)))
			fail(w, err, f->path);
		img_feed_unhold(w->feed, r->slot);
		return;
	}
	if (!failed)
		img_apply_meta(f->fd, &f->m, w->what, f->path);
	close(f->fd);
	free(f);
}

static void *writer_main(void *arg)
{
	struct writer *wr = arg;
	struct img_writers *w = wr->w;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		struct req r;
		bool failed;

		while (wr->head == wr->tail && !w->end)
			pthread_cond_wait(&wr->more, &w->lock);
		if (wr->head == wr->tail)
			break;
		r = wr->q[wr->tail % QUEUE];
		failed = w->err != 0;
		pthread_mutex_unlock(&w->lock);
		serve(w, &r, failed);
		pthread_mutex_lock(&w->lock);
		wr->tail++;
		if (!r.buf)
			w->open--;
		pthread_cond_broadcast(&w->room);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct img_writers *img_writers_new(struct img_feed *feed, unsigned n, const char *what)
{
	struct img_writers *w = calloc(1, sizeof(*w));
	sigset_t all, old;

	if (!w)
		return NULL;
	w->feed = feed;
	w->what = what;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->room, NULL);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (n = n > MAX_WRITERS ? MAX_WRITERS : n; w->nwriters < n; w->nwriters++) {
		struct writer *wr = &w->wr[w->nwriters];

		wr->w = w;
		pthread_cond_init(&wr->more, NULL);
		if (pthread_create(&wr->thread, NULL, writer_main, wr) != 0) {
			pthread_cond_destroy(&wr->more);
			break;	/* fewer, or none: the tar reader writes */
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return w;
}

static void push(struct img_writers *w, const struct req *r)
{
	struct writer *wr = &w->wr[r->file->writer];

	pthread_mutex_lock(&w->lock);
	while (wr->head - wr->tail == QUEUE)
		pthread_cond_wait(&w->room, &w->lock);
	wr->q[wr->head++ % QUEUE] = *r;
	pthread_cond_signal(&wr->more);
	pthread_mutex_unlock(&w->lock);
}

struct img_wfile *img_write_open(struct img_writers *w, int fd, const struct img_meta *m,
				 long long size, const char *path)
{
	size_t len = strlen(path) + 1;
	struct img_wfile *f = malloc(sizeof(*f) + len);

	if (!f)
		return NULL;
	f->fd = fd;
	f->m = *m;
	memcpy(f->path, path, len);
	f->writer = -1;
	if (w->nwriters && size >= HANDOFF) {
		pthread_mutex_lock(&w->lock);
		while (w->open == MAX_OPEN)
			pthread_cond_wait(&w->room, &w->lock);
		w->open++;
		pthread_mutex_unlock(&w->lock);
		f->writer = (int)(w->next++ % w->nwriters);
	}
	return f;
}

void img_write_data(struct img_writers *w, struct img_wfile *f, const void *buf, size_t len,
		    off_t off)
{
	struct req r = { .file = f, .buf = buf, .len = len, .off = off };
	int err;

	r.slot = f->writer >= 0 ? img_feed_hold(w->feed, buf, len) : -1;
	if (r.slot >= 0)
		push(w, &r);
	else if ((err = write_at(f->fd, buf, len, off)))
		fail(w, err, f->path);
}

void img_write_close(struct img_writers *w, struct img_wfile *f)
{
	struct req r = { .file = f };

	if (f->writer >= 0)
		push(w, &r);
	else
		serve(w, &r, img_writers_failed(w));
}

bool img_writers_failed(struct img_writers *w)
{
	bool failed;

	pthread_mutex_lock(&w->lock);
	failed = w->err != 0;
	pthread_mutex_unlock(&w->lock);
	return failed;
}

int img_writers_end(struct img_writers *w, struct eci_err *e)
{
	pthread_mutex_lock(&w->lock);
	w->end = true;
	for (unsigned i = 0; i < w->nwriters; i++)
		pthread_cond_signal(&w->wr[i].more);
	pthread_mutex_unlock(&w->lock);
	for (unsigned i = 0; i < w->nwriters; i++) {
		pthread_join(w->wr[i].thread, NULL);
		pthread_cond_destroy(&w->wr[i].more);
	}
	w->nwriters = 0;
	if (w->err)
		return eci_fail(e, w->err, "%s: %s", w->what, w->err_path);
	return 0;
}

void img_writers_free(struct img_writers *w)
{
	if (!w)
		return;
	fail(w, ECANCELED, "");	/* what is still queued is only closed */
	img_writers_end(w, &(struct eci_err){ 0 });
	pthread_cond_destroy(&w->room);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
