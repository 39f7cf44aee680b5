// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arcload.c - libarchive, loaded when an archive is first read or written
 *
 * Theory of Operation: libarchive brings a dozen libraries with it (the
 * compressors, libxml2, ICU, libstdc++), and resolving them costs every
 * eci-run a few milliseconds before main() even runs, although most starts
 * unpack nothing: the image is already in the slot.  So eci does not link
 * it.  This file defines the libarchive functions eci uses, each a
 * forwarder to the real one, which arc_load() finds with dlopen() of the
 * library's soname (libarchive13 in Debian) the first time (dlfwd.h).
 */

#include <locale.h>
#include <archive.h>
#include <archive_entry.h>

#include "dlfwd.h"
#include "image-int.h"

#define ARC_SONAME "libarchive.so.13"

/* See dlfwd.h: X(kind, return type, name, (parameters), (arguments)). */
#define ARC_FUNCS(X)                                                                       \
	X(FN, time_t, archive_entry_atime, (struct archive_entry *e), (e))                     \
	X(VOID, void, archive_entry_copy_pathname, (struct archive_entry *e, const char *p), (e, p)) \
	X(FN, mode_t, archive_entry_filetype, (struct archive_entry *e), (e))                  \
	X(VOID, void, archive_entry_free, (struct archive_entry *e), (e))                        \
	X(FN, la_int64_t, archive_entry_gid, (struct archive_entry *e), (e))                   \
	X(FN, const char *, archive_entry_hardlink, (struct archive_entry *e), (e))            \
	X(FN, mode_t, archive_entry_mode, (struct archive_entry *e), (e))                      \
	X(FN, mode_t, archive_entry_perm, (struct archive_entry *e), (e))                      \
	X(VOID, void, archive_entry_set_perm, (struct archive_entry *e, mode_t m), (e, m))       \
	X(FN, time_t, archive_entry_mtime, (struct archive_entry *e), (e))                     \
	X(NEW, struct archive_entry *, archive_entry_new, (void), ())                           \
	X(FN, const char *, archive_entry_pathname, (struct archive_entry *e), (e))            \
	X(VOID, void, archive_entry_set_gid, (struct archive_entry *e, la_int64_t v), (e, v))    \
	X(VOID, void, archive_entry_set_gname, (struct archive_entry *e, const char *v), (e, v)) \
	X(VOID, void, archive_entry_set_uid, (struct archive_entry *e, la_int64_t v), (e, v))    \
	X(VOID, void, archive_entry_set_uname, (struct archive_entry *e, const char *v), (e, v)) \
	X(FN, la_int64_t, archive_entry_size, (struct archive_entry *e), (e))                  \
	X(FN, const char *, archive_entry_symlink, (struct archive_entry *e), (e))             \
	X(FN, la_int64_t, archive_entry_uid, (struct archive_entry *e), (e))                   \
	X(FN, int, archive_entry_xattr_next,                                                   \
	  (struct archive_entry *e, const char **n, const void **v, size_t *l), (e, n, v, l)) \
	X(FN, int, archive_entry_xattr_reset, (struct archive_entry *e), (e))                  \
	X(FN, const char *, archive_error_string, (struct archive *a), (a))                    \
	X(FN, int, archive_filter_code, (struct archive *a, int n), (a, n))                    \
	X(FN, int, archive_filter_count, (struct archive *a), (a))                             \
	X(FN, la_ssize_t, archive_read_data, (struct archive *a, void *b, size_t n), (a, b, n)) \
	X(FN, int, archive_read_data_block,                                                    \
	  (struct archive *a, const void **b, size_t *n, la_int64_t *o), (a, b, n, o))     \
	X(FN, int, archive_read_disk_descend, (struct archive *a), (a))                        \
	X(NEW, struct archive *, archive_read_disk_new, (void), ())                             \
	X(FN, int, archive_read_disk_open, (struct archive *a, const char *p), (a, p))         \
	X(FN, int, archive_read_disk_set_standard_lookup, (struct archive *a), (a))            \
	X(FN, int, archive_read_disk_set_symlink_physical, (struct archive *a), (a))           \
	X(FN, int, archive_read_extract2, (struct archive *a, struct archive_entry *e, struct archive *d), \
	  (a, e, d))                                                                       \
	X(FN, int, archive_read_free, (struct archive *a), (a))                                \
	X(NEW, struct archive *, archive_read_new, (void), ())                                  \
	X(FN, int, archive_read_next_header, (struct archive *a, struct archive_entry **e), (a, e)) \
	X(FN, int, archive_read_next_header2, (struct archive *a, struct archive_entry *e), (a, e)) \
	X(FN, int, archive_read_open,                                                          \
	  (struct archive *a, void *d, archive_open_callback *o, archive_read_callback *r, \
	   archive_close_callback *c), (a, d, o, r, c))                                    \
	X(FN, int, archive_read_open_fd, (struct archive *a, int fd, size_t n), (a, fd, n))    \
	X(FN, int, archive_read_open_filename, (struct archive *a, const char *f, size_t n), (a, f, n)) \
	X(FN, int, archive_read_support_filter_gzip, (struct archive *a), (a))                 \
	X(FN, int, archive_read_support_filter_xz, (struct archive *a), (a))                   \
	X(FN, int, archive_read_support_filter_zstd, (struct archive *a), (a))                 \
	X(FN, int, archive_read_support_format_raw, (struct archive *a), (a))                  \
	X(FN, int, archive_read_support_format_tar, (struct archive *a), (a))                  \
	X(FN, int, archive_write_close, (struct archive *a), (a))                              \
	X(FN, la_ssize_t, archive_write_data, (struct archive *a, const void *b, size_t n), (a, b, n)) \
	X(NEW, struct archive *, archive_write_disk_new, (void), ())                            \
	X(FN, int, archive_write_disk_set_options, (struct archive *a, int f), (a, f))         \
	X(FN, int, archive_write_free, (struct archive *a), (a))                               \
	X(FN, int, archive_write_header, (struct archive *a, struct archive_entry *e), (a, e)) \
	X(NEW, struct archive *, archive_write_new, (void), ())                                 \
	X(FN, int, archive_write_open_fd, (struct archive *a, int fd), (a, fd))                \
	X(FN, int, archive_write_set_format_pax_restricted, (struct archive *a), (a))

#define DL_TABLE arc
#define DL_LOADER arc_load
static struct {
	ARC_FUNCS(DL_POINTER)
} arc;

int arc_load(struct eci_err *e)
{
	static void *handle;
	static const char *const names[] = { ARC_FUNCS(DL_NAME) };
	static void **const slots[] = { ARC_FUNCS(DL_SLOT) };

	/*
	 * Names are bytes to eci: in the C locale libarchive refuses a pax
	 * name it cannot convert from UTF-8 ("Pathname can't be converted"),
	 * as Go's archive/tar writes every non-ASCII name; in C.UTF-8 a pax
	 * name passes as its UTF-8 bytes and any other as it is.  Set before
	 * any thread of ours runs; it changes no message of eci's.
	 */
	if (!handle)
		setlocale(LC_CTYPE, "C.UTF-8");
	return dl_load(&handle, ARC_SONAME, "libarchive13", names, slots,
		       sizeof(names) / sizeof(names[0]), e);
}

ARC_FUNCS(DL_FORWARD)
