// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cryptoload.c - libcrypto, loaded when a blob is first hashed
 *
 * Theory of Operation: images are hashed when they are imported and when
 * their layers are unpacked, not when a container starts from the store, so
 * eci does not link libcrypto (its relocations and constructors would cost
 * every start): the six digest functions eci uses are forwarders to the
 * real ones, which crypto_load() finds with dlopen() (dlfwd.h).
 */
#include <openssl/evp.h>

#include "dlfwd.h"
#include "image-int.h"

#define CRYPTO_SONAME "libcrypto.so.3"

/* See dlfwd.h: X(kind, return type, name, (parameters), (arguments)). */
#define CRYPTO_FUNCS(X)                                                                    \
	X(NEW, EVP_MD_CTX *, EVP_MD_CTX_new, (void), ())                                   \
	X(VOID, void, EVP_MD_CTX_free, (EVP_MD_CTX *c), (c))                               \
	X(FN, int, EVP_DigestInit_ex, (EVP_MD_CTX *c, const EVP_MD *t, ENGINE *i), (c, t, i)) \
	X(FN, int, EVP_DigestUpdate, (EVP_MD_CTX *c, const void *d, size_t n), (c, d, n))  \
	X(FN, int, EVP_DigestFinal_ex, (EVP_MD_CTX *c, unsigned char *md, unsigned int *n),  \
	  (c, md, n))                                                                      \
	X(FN, const EVP_MD *, EVP_sha256, (void), ())

#define DL_TABLE crypto
#define DL_LOADER crypto_load
static struct {
	CRYPTO_FUNCS(DL_POINTER)
} crypto;

int crypto_load(struct eci_err *e)
{
	static void *handle;
	static const char *const names[] = { CRYPTO_FUNCS(DL_NAME) };
	static void **const slots[] = { CRYPTO_FUNCS(DL_SLOT) };

	return dl_load(&handle, CRYPTO_SONAME, "libssl3", names, slots,
		       sizeof(names) / sizeof(names[0]), e);
}

CRYPTO_FUNCS(DL_FORWARD)
