// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * feed.c - a layer's uncompressed bytes, for the tar reader, each hashed
 *
 * Theory of Operation: the uncompressed stream of a layer must hash to the
 * diff_id the config names, or the unpacked copy is thrown away before it
 * is published (unpack.c, cache.c).  The tar reader parses the very
 * buffers that are hashed: the blob is read once.  Reading it twice, once
 * to hash it and once to unpack it, would let whoever can write the blob
 * (the user owns the store) change it in between, and put content that
 * was never verified in a copy that every image naming that diff_id uses.
 *
 * The bytes go through a ring of buffers (slots) and three parties, which
 * run side by side:
 *   - the filler (a thread) reads the blob into the next free slot, or,
 *     for a compressed blob, has libarchive's raw reader decompress into
 *     it;
 *   - the hasher (a thread) hashes the filled slots in order;
 *   - the tar reader takes the filled slots in order through its read
 *     callback, and hands one back at its next call (libarchive uses the
 *     block a read callback returned until it calls again).
 * A slot is free again once its bytes are hashed, handed back and held by
 * nobody: the writers of the files (write.c) hold the slot a file's bytes
 * are in until they are written (img_feed_hold()).  The slot after the
 * last byte carries the end: 0, or -1 when reading failed.  The tar
 * reader does not wait for the hasher; img_feed_finish() does, and only
 * then is there a digest to compare.
 *
 * There are many slots, so that the tar reader can run ahead of writers
 * busy with a big file to the files after it: 1/256 of the machine's
 * memory, MAX_SLOTS MiB at most.  But the filler keeps only LEAD slots
 * ahead of the tar reader, and fills the free slot that comes first: a
 * slot's pages are touched (faulted in, zeroed) only when writers hold
 * all those before it.
 *
 * The slots are one mapping, aligned to and advised for huge pages
 * (ring_map()): with transparent_hugepage "madvise" the advice is what
 * gives them huge pages, with "always" the alignment gives every slot
 * one.  16 MiB of slots is then 8 page faults instead of 4096, and the
 * copies into and out of the slots miss the TLB that much less: in make
 * bench's 4-layer unpack, 0.53 CPU-seconds instead of 0.95, on a machine
 * ("madvise") whose page faults cost 8 µs each.
 *
 * Where the threads cannot be started (a pids limit), the read callback
 * fills and hashes one buffer itself, and nothing can hold it.  The
 * threads block every signal, which stay the unpacking process's.
 */
#include <archive.h>
#include <errno.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "image-int.h"

#define MIN_SLOTS 4
#define MAX_SLOTS 16
#define LEAD 8
#define FEED_SLOT (1u << 20)
#define HUGE_PAGE (2u << 20)	/* a PMD's span with 4 KiB pages (x86-64, arm64) */

struct img_feed {
	int blob;
	struct archive *raw;		/* a compressed blob's decompressor */
	int read_err;			/* errno of a failed read of the blob */
	EVP_MD_CTX *md;
	bool md_failed;
	unsigned nslots;
	char *buf;			/* nslots buffers of FEED_SLOT bytes */
	/* by slot: */
	la_ssize_t len[MAX_SLOTS];	/* what it holds; <= 0: the end */
	unsigned seq[MAX_SLOTS];	/* which of the stream's blocks */
	bool used[MAX_SLOTS];		/* filled once */
	unsigned holds[MAX_SLOTS];	/* img_feed_hold()s not yet let go */
	/* by block (its number modulo nslots, the most there can be in use): */
	unsigned slot_of[MAX_SLOTS];
	pthread_mutex_t lock;
	pthread_cond_t moved;		/* a slot filled, hashed, handed back, let go */
	unsigned filled, hashed, released;	/* blocks so far */
	bool held;			/* the tar reader holds slot released */
	bool stop;			/* the threads are to end now */
	unsigned nthreads;
	pthread_t thread[2];
	la_ssize_t end;			/* once the tar reader saw the end */
	bool ended;
};

/* The buffer of block @i (counting from the stream's first). */
static char *block(struct img_feed *f, unsigned i)
{
	return f->buf + (size_t)f->slot_of[i % f->nslots] * FEED_SLOT;
}

/* Fill @buf with the layer's next bytes: how many, 0 at the end, -1 when
 * reading or decompressing fails. */
static la_ssize_t fill(struct img_feed *f, char *buf)
{
	size_t n = 0;

	while (n < FEED_SLOT) {
		ssize_t r = f->raw ? archive_read_data(f->raw, buf + n, FEED_SLOT - n)
				   : read(f->blob, buf + n, FEED_SLOT - n);

		if (r < 0 && !f->raw && errno == EINTR)
			continue;
		if (r < 0) {
			f->read_err = f->raw ? 0 : errno;
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	return (la_ssize_t)n;
}

static void hash(struct img_feed *f, const char *buf, la_ssize_t n)
{
	if (n > 0 && !EVP_DigestUpdate(f->md, buf, (size_t)n))
		f->md_failed = true;
}

/* The first free slot, when the filler may fill one; else -1. */
static int free_slot(const struct img_feed *f)
{
	if (f->filled - f->released >= LEAD)
		return -1;
	for (unsigned s = 0; s < f->nslots; s++)
		if (!f->holds[s] &&
		    (!f->used[s] || (f->seq[s] < f->hashed && f->seq[s] < f->released)))
			return (int)s;
	return -1;
}

static void *filler(void *arg)
{
	struct img_feed *f = arg;
	la_ssize_t n = 1;

	while (n > 0) {
		int s = -1;

		pthread_mutex_lock(&f->lock);
		while (!f->stop && (s = free_slot(f)) < 0)
			pthread_cond_wait(&f->moved, &f->lock);
		if (!f->stop) {
			f->used[s] = true;
			f->seq[s] = f->filled;
		}
		pthread_mutex_unlock(&f->lock);
		if (s < 0)
			break;	/* stopped */
		n = fill(f, f->buf + (size_t)s * FEED_SLOT);
		pthread_mutex_lock(&f->lock);
		f->len[s] = n;
		f->slot_of[f->filled % f->nslots] = (unsigned)s;
		f->filled++;
		pthread_cond_broadcast(&f->moved);
		pthread_mutex_unlock(&f->lock);
	}
	return NULL;
}

static void *hasher(void *arg)
{
	struct img_feed *f = arg;

	for (;;) {
		unsigned i;
		la_ssize_t n;

		pthread_mutex_lock(&f->lock);
		while (!f->stop && f->hashed == f->filled)
			pthread_cond_wait(&f->moved, &f->lock);
		i = f->hashed;
		n = f->stop ? 0 : f->len[f->slot_of[i % f->nslots]];
		pthread_mutex_unlock(&f->lock);
		if (n <= 0)
			break;	/* the end, or stopped */
		hash(f, block(f, i), n);
		pthread_mutex_lock(&f->lock);
		f->hashed++;
		pthread_cond_broadcast(&f->moved);
		pthread_mutex_unlock(&f->lock);
	}
	return NULL;
}

static void stop(struct img_feed *f)
{
	pthread_mutex_lock(&f->lock);
	f->stop = true;
	pthread_cond_broadcast(&f->moved);
	pthread_mutex_unlock(&f->lock);
	while (f->nthreads)
		pthread_join(f->thread[--f->nthreads], NULL);
}

/* The hasher, then the filler, signals blocked: both or neither (before
 * the filler starts, nothing is read yet). */
static void start(struct img_feed *f)
{
	void *(*const run[2])(void *) = { hasher, filler };
	sigset_t all, old;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	while (f->nthreads < 2 && pthread_create(&f->thread[f->nthreads], NULL, run[f->nthreads], f) == 0)
		f->nthreads++;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (f->nthreads < 2) {
		stop(f);
		f->stop = false;
	}
}

/* libarchive's raw reader on @blob, kept when the blob is compressed. */
static int open_raw(struct img_feed *f, int blob, struct eci_err *e)
{
	struct archive_entry *ent;

	f->raw = archive_read_new();
	if (!f->raw)
		return eci_fail(e, ENOMEM, "unpack");
	archive_read_support_filter_gzip(f->raw);
	archive_read_support_filter_zstd(f->raw);
	archive_read_support_format_raw(f->raw);
	if (lseek(blob, 0, SEEK_SET) < 0 ||
	    archive_read_open_fd(f->raw, blob, FEED_SLOT) != ARCHIVE_OK ||
	    archive_read_next_header(f->raw, &ent) != ARCHIVE_OK)
		return eci_fail(e, 0, "%s", archive_error_string(f->raw) ?: "unreadable");
	if (archive_filter_count(f->raw) == 1 && archive_filter_code(f->raw, 0) == ARCHIVE_FILTER_NONE) {
		/* not compressed: read as it is, into the slots */
		archive_read_free(f->raw);
		f->raw = NULL;
		if (lseek(blob, 0, SEEK_SET) < 0)
			return eci_fail(e, errno, "unpack");
	}
	return 0;
}

/* 1/256 of the memory, in slots, within MIN_SLOTS..MAX_SLOTS. */
static unsigned ring_slots(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
	unsigned long long n = 0;

	if (pages > 0 && size > 0)
		n = (unsigned long long)pages * (unsigned long long)size / 256 / FEED_SLOT;
	return n < MIN_SLOTS ? MIN_SLOTS : n > MAX_SLOTS ? MAX_SLOTS : (unsigned)n;
}

/* @size bytes at an address that is a multiple of HUGE_PAGE, advised for
 * huge pages; NULL when out of memory.  The advice is a hint: a kernel
 * without transparent huge pages, or with them off, refuses it (EINVAL)
 * or ignores it, and the slots get small pages as any memory does. */
static char *ring_map(size_t size)
{
	size_t len = size + HUGE_PAGE;
	char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *at;

	if (m == MAP_FAILED)
		return NULL;
	at = m + (HUGE_PAGE - (uintptr_t)m % HUGE_PAGE) % HUGE_PAGE;
	/* what is before @at and after its @size bytes goes back */
	if (at > m)
		munmap(m, (size_t)(at - m));
	munmap(at + size, len - (size_t)(at - m) - size);
	(void)madvise(at, size, MADV_HUGEPAGE);
	return at;
}

struct img_feed *img_feed_open(int blob, struct eci_err *e)
{
	struct img_feed *f = calloc(1, sizeof(*f));

	if (f)
		f->nslots = ring_slots();
	if (!f || !(f->buf = ring_map((size_t)f->nslots * FEED_SLOT))) {
		free(f);
		eci_fail(e, ENOMEM, "unpack");
		return NULL;
	}
	f->blob = blob;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->moved, NULL);
	f->md = EVP_MD_CTX_new();
	if (!f->md || !EVP_DigestInit_ex(f->md, EVP_sha256(), NULL)) {
		eci_fail(e, ENOMEM, "unpack");
		img_feed_free(f);
		return NULL;
	}
	if (open_raw(f, blob, e) < 0) {
		img_feed_free(f);
		return NULL;
	}
	start(f);
	return f;
}

/* The next filled slot, once the one held is handed back: its length. */
static la_ssize_t take(struct img_feed *f, const void **out)
{
	la_ssize_t n;
	unsigned i;

	pthread_mutex_lock(&f->lock);
	if (f->held) {
		f->released++;
		pthread_cond_broadcast(&f->moved);
	}
	while (f->filled == f->released)
		pthread_cond_wait(&f->moved, &f->lock);
	f->held = true;
	i = f->released;
	n = f->len[f->slot_of[i % f->nslots]];
	*out = block(f, i);
	pthread_mutex_unlock(&f->lock);
	return n;
}

la_ssize_t img_feed_read(struct archive *tar, void *ctx, const void **out)
{
	struct img_feed *f = ctx;
	la_ssize_t n;

	*out = f->buf;
	if (f->ended)
		return f->end;
	if (f->nthreads) {
		n = take(f, out);
	} else {
		n = fill(f, f->buf);
		hash(f, f->buf, n);
	}
	if (n <= 0) {
		f->ended = true;
		f->end = n < 0 ? ARCHIVE_FATAL : 0;
		return f->end;
	}
	return n;
}

int img_feed_hold(struct img_feed *f, const void *p, size_t len)
{
	const char *c = p;
	size_t at;
	int i;

	if (!f->nthreads || c < f->buf || c >= f->buf + (size_t)f->nslots * FEED_SLOT)
		return -1;
	at = (size_t)(c - f->buf);
	if (at % FEED_SLOT + len > FEED_SLOT)
		return -1;
	i = (int)(at / FEED_SLOT);
	pthread_mutex_lock(&f->lock);
	f->holds[i]++;
	pthread_mutex_unlock(&f->lock);
	return i;
}

void img_feed_unhold(struct img_feed *f, int i)
{
	pthread_mutex_lock(&f->lock);
	if (!--f->holds[i])
		pthread_cond_broadcast(&f->moved);
	pthread_mutex_unlock(&f->lock);
}

int img_feed_finish(struct img_feed *f, char got[72], struct eci_err *e)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	const void *p;
	la_ssize_t n;

	/* what the tar reader left unread: the padding after its end */
	while ((n = img_feed_read(NULL, f, &p)) > 0)
		;
	/* the end is filled: the filler is done, the hasher is at it */
	while (f->nthreads)
		pthread_join(f->thread[--f->nthreads], NULL);
	if (n < 0)
		return eci_fail(e, 0, "%s", img_feed_error(f) ?: "unreadable");
	if (f->md_failed || !EVP_DigestFinal_ex(f->md, md, &len))
		return eci_fail(e, EIO, "hash");
	strcpy(got, "sha256:");
	for (unsigned int i = 0; i < len; i++)
		sprintf(got + 7 + 2 * i, "%02x", md[i]);
	return 0;
}

const char *img_feed_error(struct img_feed *f)
{
	/* the raw reader is the filler's until the end is filled */
	if (!f->ended || f->end >= 0)
		return NULL;
	if (!f->raw)
		return f->read_err ? strerror(f->read_err) : NULL;
	return archive_error_string(f->raw);
}

void img_feed_free(struct img_feed *f)
{
	if (!f)
		return;
	stop(f);
	if (f->raw)
		archive_read_free(f->raw);
	EVP_MD_CTX_free(f->md);
	pthread_cond_destroy(&f->moved);
	pthread_mutex_destroy(&f->lock);
	munmap(f->buf, (size_t)f->nslots * FEED_SLOT);
	free(f);
}
