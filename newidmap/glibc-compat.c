// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * glibc-compat.c - the fortified entry points of glibc that Debian's
 * libjansson.a and libcap.a call, for the helper's musl build
 *
 * Those archives are compiled against glibc with _FORTIFY_SOURCE=2: where
 * the compiler knew a buffer's size, they call __snprintf_chk() and the
 * like instead of snprintf(), with that size.  musl has no such functions.
 * These check what glibc checks (the size given against the buffer's) and
 * stop the program as glibc does when it does not hold; they are linked
 * into the helper's musl build alone (newidmap/module.mk).  Everything else
 * those archives use is in musl under the same name and ABI.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int __vsnprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, va_list ap);
int __snprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...);
int __sprintf_chk(char *s, int flag, size_t slen, const char *fmt, ...);
int __asprintf_chk(char **s, int flag, const char *fmt, ...);
char *__strncpy_chk(char *dst, const char *src, size_t n, size_t dstlen);

static void __attribute__((noreturn)) chk_fail(void)
{
	static const char msg[] = "eci-newidmap: buffer overflow detected\n";
	ssize_t r = write(2, msg, sizeof(msg) - 1);

	(void)r;
	abort();
}

int __vsnprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, va_list ap)
{
	(void)flag;
	if (maxlen > slen)
		chk_fail();
	return vsnprintf(s, maxlen, fmt, ap);
}

int __snprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = __vsnprintf_chk(s, maxlen, flag, slen, fmt, ap);
	va_end(ap);
	return r;
}

int __sprintf_chk(char *s, int flag, size_t slen, const char *fmt, ...)
{
	va_list ap;
	int r;

	(void)flag;
	if (slen == 0)
		chk_fail();
	va_start(ap, fmt);
	r = vsnprintf(s, slen, fmt, ap);
	va_end(ap);
	if (r >= 0 && (size_t)r >= slen)
		chk_fail();
	return r;
}

int __asprintf_chk(char **s, int flag, const char *fmt, ...)
{
	va_list ap;
	int r;

	(void)flag;
	va_start(ap, fmt);
	r = vasprintf(s, fmt, ap);
	va_end(ap);
	return r;
}

char *__strncpy_chk(char *dst, const char *src, size_t n, size_t dstlen)
{
	if (n > dstlen)
		chk_fail();
	return strncpy(dst, src, n);
}
