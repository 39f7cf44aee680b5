// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ref.c - image references of a registry, [HOST[:PORT]/]PATH[:TAG][@DIGEST]
 *
 * Theory of Operation: eci does not talk to registries (skopeo does, see
 * pull.c), but it must know which image a name stands for before anything
 * is fetched, because allowedImages is judged on that name.  A reference is
 * read as skopeo's docker transport reads it: the first component is a
 * registry when it holds a '.' or a ':' or is "localhost"; otherwise the
 * name is a short one and means docker.io, with "library/" in front of a
 * one-component name.  registries.conf's unqualified-search-registries and
 * short-name aliases are not consulted, as skopeo does not consult them
 * either: the name judged is the name fetched.  Without a tag or digest the
 * tag is "latest"; with both, the digest alone is kept (skopeo refuses
 * both).  Anything else is refused here, naming what is wrong, before the
 * name reaches skopeo's command line.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "image-int.h"
#include "image.h"

static bool lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One path component: lowercase letters and digits, joined by '.', '_' or '-'. */
static bool valid_component(const char *s, size_t n)
{
	if (!n || !lower_alnum(s[0]) || !lower_alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!lower_alnum(s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

/* A registry: host name letters, digits, '.', '-', then an optional :PORT. */
static bool valid_host(const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	size_t hn = colon ? (size_t)(colon - s) : n;

	if (!hn || s[0] == '-' || s[0] == '.')
		return false;
	for (size_t i = 0; i < hn; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '-')
			return false;
	if (colon) {
		size_t pn = n - hn - 1;

		if (!pn || pn > 5)
			return false;
		for (size_t i = hn + 1; i < n; i++)
			if (!isdigit((unsigned char)s[i]))
				return false;
	}
	return true;
}

static bool valid_tag(const char *t)
{
	size_t n = strlen(t);

	if (!n || n > 128 || !(isalnum((unsigned char)t[0]) || t[0] == '_'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)t[i]) && t[i] != '_' && t[i] != '.' && t[i] != '-')
			return false;
	return true;
}

/* The repository (without tag or digest) into r->name, with its registry. */
static int parse_name(const char *in, size_t n, struct img_ref *r, struct eci_err *e)
{
	const char *slash = memchr(in, '/', n), *p;
	size_t hostlen = 0, o;

	if (slash && (memchr(in, '.', (size_t)(slash - in)) || memchr(in, ':', (size_t)(slash - in)) ||
		      (slash - in == 9 && !strncmp(in, "localhost", 9)))) {
		hostlen = (size_t)(slash - in);
		if (!valid_host(in, hostlen))
			return eci_fail(e, 0, "image '%s': '%.*s' is not a registry host[:port]",
					r->given, (int)hostlen, in);
		o = (size_t)snprintf(r->name, sizeof(r->name), "%.*s/", (int)hostlen, in);
		p = slash + 1;
	} else {
		r->short_name = true;
		o = (size_t)snprintf(r->name, sizeof(r->name), "docker.io/%s", slash ? "" : "library/");
		p = in;
	}
	for (const char *end = in + n; p <= end;) {
		const char *c = memchr(p, '/', (size_t)(end - p));
		size_t len = c ? (size_t)(c - p) : (size_t)(end - p);

		if (!valid_component(p, len))
			return eci_fail(e, 0, "image '%s': '%.*s' is not a valid name component "
					"(lowercase letters and digits, joined by '.', '_' or '-')",
					r->given, (int)len, p);
		p += len + 1;
	}
	if (o + (n - hostlen) >= sizeof(r->name) || n > 255)
		return eci_fail(e, 0, "image '%s': the name is too long", r->given);
	strncat(r->name, in + (hostlen ? hostlen + 1 : 0), n - (hostlen ? hostlen + 1 : 0));
	/* docker.io/alpine is docker.io/library/alpine, as skopeo reads it */
	if (hostlen == 9 && !strncmp(in, "docker.io", 9) && !strchr(r->name + 10, '/')) {
		char tmp[sizeof(r->name)];

		snprintf(tmp, sizeof(tmp), "docker.io/library/%s", r->name + 10);
		snprintf(r->name, sizeof(r->name), "%s", tmp);
	}
	return 0;
}

int img_ref_parse(const char *in, struct img_ref *r, struct eci_err *e)
{
	const char *at = strchr(in, '@'), *slash, *colon;
	size_t n;

	memset(r, 0, sizeof(*r));
	snprintf(r->given, sizeof(r->given), "%s", in);
	if (strlen(in) >= sizeof(r->given))
		return eci_fail(e, 0, "image '%.64s…': the name is too long", in);
	if (at) {
		if (!img_valid_digest(at + 1))
			return eci_fail(e, 0, "image '%s': the digest must be sha256: and 64 "
					"lowercase hex digits", in);
		snprintf(r->digest, sizeof(r->digest), "%s", at + 1);
	}
	n = at ? (size_t)(at - in) : strlen(in);
	slash = memrchr(in, '/', n);
	colon = memrchr(in, ':', n);
	if (colon && (!slash || colon > slash)) {
		snprintf(r->tag, sizeof(r->tag), "%.*s", (int)(n - (size_t)(colon - in) - 1), colon + 1);
		if (n - (size_t)(colon - in) - 1 >= sizeof(r->tag) || !valid_tag(r->tag))
			return eci_fail(e, 0, "image '%s': '%.*s' is not a valid tag", in,
					(int)(n - (size_t)(colon - in) - 1), colon + 1);
		n = (size_t)(colon - in);
	}
	if (parse_name(in, n, r, e) < 0)
		return -1;
	if (r->digest[0])
		r->tag[0] = '\0';
	else if (!r->tag[0])
		snprintf(r->tag, sizeof(r->tag), "latest");
	snprintf(r->full, sizeof(r->full), "%s%s%s", r->name, r->digest[0] ? "@" : ":",
		 r->digest[0] ? r->digest : r->tag);
	return 0;
}
