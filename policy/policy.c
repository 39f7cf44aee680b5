// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * policy.c - defaults, policy.d, user settings, locks; see policy.h
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "policy.h"
#include "util.h"

#ifndef ECI_SYSCONFDIR
#define ECI_SYSCONFDIR "/etc"
#endif

const char *const pol_names[POL_NKEYS] = {
	[POL_ECI] = "enhancedContainerIsolation",
	[POL_ALLOWED_IMAGES] = "allowedImages",
	[POL_BLOCKED_MOUNTS] = "blockedMounts",
	[POL_ALLOWED_NETWORKS] = "allowedNetworks",
	[POL_ALLOW_HOST_NS] = "allowHostNamespaces",
	[POL_ALLOW_PRIVILEGED] = "allowPrivileged",
	[POL_SECCOMP] = "seccompProfile",
	[POL_NNP] = "noNewPrivileges",
	[POL_ALLOWED_CAPS] = "allowedCapabilities",
	[POL_MAX_CONTAINERS] = "maxContainersPerUser",
	[POL_AUDIT_LOG] = "auditLog",
	[POL_PUBLIC_PORTS] = "allowPublicPorts",
	[POL_FILESHARING] = "filesharingAllowedDirectories",
	[POL_EXPOSE_TCP] = "exposeDockerAPIOnTCP2375",
	[POL_ALLOW_KEEP_ID] = "allowKeepId",
	[POL_ALLOWED_DEVICES] = "allowedDevices",
	[POL_DEFAULT_NETWORK] = "defaultNetwork",
};

static const char *const type_names[] = {
	[POL_BOOL] = "a boolean", [POL_INT] = "an integer",
	[POL_STRING] = "a string", [POL_LIST] = "an array of strings",
	[POL_PATHS] = "an array of {\"path\": \"/absolute/path\"} objects",
};

const char *policy_dir(void)
{
#ifdef ECI_POLICY_FROM_ENV
	const char *d = getenv("ECI_POLICY_DIR");

	if (d && *d)
		return d;
#endif
	return ECI_SYSCONFDIR "/eci/policy.d";
}

static void clear_value(struct pol_value *v)
{
	free(v->s);
	for (size_t i = 0; i < v->n; i++)
		free(v->list[i]);
	free(v->list);
	v->s = NULL;
	v->list = NULL;
	v->n = 0;
}

static int set_list(struct pol_value *v, const char *const *items)
{
	size_t n = 0;

	while (items[n])
		n++;
	clear_value(v);
	v->list = calloc(n + 1, sizeof(char *));
	if (!v->list)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!(v->list[v->n++] = strdup(items[i])))
			return -ENOMEM;
	return 0;
}

static int defaults(struct policy *p)
{
	static const char *const all[] = { "*", NULL };
	static const char *const nets[] = { "none", "pasta", "slirp4netns", NULL };
	static const char *const caps[] = { "ALL", NULL };
	static const char *const blocked[] = {
		"/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock",
		"/etc", "/proc", "/sys", "/dev", "/boot", "/var/lib/docker", "/run/containerd",
		"/run/eci", ECI_SYSCONFDIR "/eci", NULL,
	};
	static const enum pol_type types[POL_NKEYS] = {
		[POL_ECI] = POL_BOOL, [POL_ALLOWED_IMAGES] = POL_LIST,
		[POL_BLOCKED_MOUNTS] = POL_LIST, [POL_ALLOWED_NETWORKS] = POL_LIST,
		[POL_ALLOW_HOST_NS] = POL_BOOL, [POL_ALLOW_PRIVILEGED] = POL_BOOL,
		[POL_SECCOMP] = POL_STRING, [POL_NNP] = POL_BOOL,
		[POL_ALLOWED_CAPS] = POL_LIST, [POL_MAX_CONTAINERS] = POL_INT,
		[POL_AUDIT_LOG] = POL_STRING, [POL_PUBLIC_PORTS] = POL_BOOL,
		[POL_FILESHARING] = POL_PATHS, [POL_EXPOSE_TCP] = POL_BOOL,
		[POL_ALLOW_KEEP_ID] = POL_BOOL,
		[POL_ALLOWED_DEVICES] = POL_LIST,
		[POL_DEFAULT_NETWORK] = POL_STRING,
	};
	static const char *const none[] = { NULL };

	for (int k = 0; k < POL_NKEYS; k++) {
		p->v[k].type = types[k];
		p->v[k].source = "default";
	}
	p->v[POL_ECI].b = true;
	p->v[POL_ALLOW_PRIVILEGED].b = true;
	p->v[POL_NNP].b = true;
	p->v[POL_ALLOW_KEEP_ID].b = true;
	if (!(p->v[POL_SECCOMP].s = strdup("default")) ||
	    !(p->v[POL_DEFAULT_NETWORK].s = strdup("auto")) ||
	    !(p->v[POL_AUDIT_LOG].s = strdup("syslog")) ||
	    set_list(&p->v[POL_ALLOWED_IMAGES], all) < 0 ||
	    set_list(&p->v[POL_BLOCKED_MOUNTS], blocked) < 0 ||
	    set_list(&p->v[POL_ALLOWED_NETWORKS], nets) < 0 ||
	    set_list(&p->v[POL_ALLOWED_CAPS], caps) < 0 ||
	    set_list(&p->v[POL_ALLOWED_DEVICES], none) < 0)
		return -ENOMEM;
	return 0;
}

static int find_key(const char *name)
{
	for (int k = 0; k < POL_NKEYS; k++)
		if (!strcmp(pol_names[k], name))
			return k;
	return -1;
}

static bool has_dotdot(const char *path)
{
	for (const char *c = path; (c = strstr(c, "..")); c += 2)
		if ((c == path || c[-1] == '/') && (c[2] == '\0' || c[2] == '/'))
			return true;
	return false;
}

/*
 * Docker's shape for shared directories: [{"path": "/srv/ci"}, ...].  Only
 * absolute paths without ".." are taken: an entry is compared with the
 * paths the kernel gives for what is mounted, so "$HOME" or "../x" could
 * never match and would only mislead the administrator.
 */
static int take_paths(struct pol_value *v, json_t *j, const char *file, const char *key,
		      struct eci_err *e)
{
	size_t i;
	json_t *item;

	if (!json_is_array(j) || json_array_size(j) > POL_MAX_LIST)
		goto type;
	json_array_foreach(j, i, item) {
		const char *path = json_string_value(json_object_get(item, "path"));

		if (!json_is_object(item) || !path)
			goto type;
		if (path[0] != '/' || has_dotdot(path))
			return eci_fail(e, 0, "%s: \"%s\": \"%s\" is not an absolute path without "
					"\"..\"", file, key, path);
	}
	clear_value(v);
	v->list = calloc(json_array_size(j) + 1, sizeof(char *));
	if (!v->list)
		return eci_fail(e, ENOMEM, "%s", file);
	json_array_foreach(j, i, item) {
		const char *path = json_string_value(json_object_get(item, "path"));
		size_t n = strlen(path);

		while (n > 1 && path[n - 1] == '/')	/* "/srv/ci/" is "/srv/ci" */
			n--;
		if (!(v->list[v->n++] = strndup(path, n)))
			return eci_fail(e, ENOMEM, "%s", file);
	}
	return 0;
type:
	return eci_fail(e, 0, "%s: \"%s\" must be %s", file, key, type_names[v->type]);
}

/* A value of the right type that is still none of the setting's words. */
static int check_words(int k, const struct pol_value *v, const char *file, struct eci_err *e)
{
	static const char *const nets[] = { "auto", "none", "pasta", "slirp4netns" };

	if (k != POL_DEFAULT_NETWORK)
		return 0;
	for (size_t i = 0; i < sizeof(nets) / sizeof(nets[0]); i++)
		if (!strcmp(v->s, nets[i]))
			return 0;
	return eci_fail(e, 0, "%s: \"%s\" must be \"auto\", \"none\", \"pasta\" or "
			"\"slirp4netns\", not \"%s\"", file, pol_names[k], v->s);
}

/* Take a JSON value into @v, checking its type. */
static int take(struct pol_value *v, json_t *j, const char *file, const char *key,
		struct eci_err *e)
{
	size_t i;
	json_t *item;

	switch (v->type) {
	case POL_BOOL:
		if (!json_is_boolean(j))
			goto type;
		v->b = json_is_true(j);
		return 0;
	case POL_INT:
		if (!json_is_integer(j) || json_integer_value(j) < 0)
			goto type;
		v->i = json_integer_value(j);
		return 0;
	case POL_STRING:
		if (!json_is_string(j))
			goto type;
		clear_value(v);
		return (v->s = strdup(json_string_value(j))) ? 0 : eci_fail(e, ENOMEM, "%s", file);
	case POL_LIST:
		if (!json_is_array(j) || json_array_size(j) > POL_MAX_LIST)
			goto type;
		json_array_foreach(j, i, item)
			if (!json_is_string(item))
				goto type;
		clear_value(v);
		v->list = calloc(json_array_size(j) + 1, sizeof(char *));
		if (!v->list)
			return eci_fail(e, ENOMEM, "%s", file);
		json_array_foreach(j, i, item)
			if (!(v->list[v->n++] = strdup(json_string_value(item))))
				return eci_fail(e, ENOMEM, "%s", file);
		return 0;
	case POL_PATHS:
		return take_paths(v, j, file, key, e);
	}
type:
	return eci_fail(e, 0, "%s: \"%s\" must be %s", file, key, type_names[v->type]);
}

static int socket_images(struct policy *p, json_t *eci, const char *file, struct eci_err *e)
{
	json_t *imgs = json_object_get(json_object_get(json_object_get(eci, "dockerSocketMount"),
						       "imageList"), "images"), *item;
	size_t i;

	if (!imgs)
		return 0;
	if (!json_is_array(imgs))
		return eci_fail(e, 0, "%s: \"enhancedContainerIsolation.dockerSocketMount.imageList"
				".images\" must be an array of strings", file);
	for (size_t k = 0; k < p->nsocket_images; k++)
		free(p->socket_images[k]);
	free(p->socket_images);
	p->nsocket_images = 0;
	p->socket_images = calloc(json_array_size(imgs) + 1, sizeof(char *));
	if (!p->socket_images)
		return eci_fail(e, ENOMEM, "%s", file);
	json_array_foreach(imgs, i, item) {
		if (!json_is_string(item))
			return eci_fail(e, 0, "%s: dockerSocketMount images must be strings", file);
		p->socket_images[p->nsocket_images++] = strdup(json_string_value(item));
	}
	return 0;
}

/* @file as a value's source: kept once in p->sources; NULL without memory */
static const char *source_of(struct policy *p, const char *file)
{
	char **grown;

	for (size_t i = 0; i < p->nsources; i++)
		if (!strcmp(p->sources[i], file))
			return p->sources[i];
	grown = realloc(p->sources, (p->nsources + 1) * sizeof(char *));
	if (!grown)
		return NULL;
	p->sources = grown;
	if (!(p->sources[p->nsources] = strdup(file)))
		return NULL;
	return p->sources[p->nsources++];
}

static int admin_json(struct policy *p, json_t *root, const char *file, struct eci_err *e)
{
	const char *key;
	json_t *val;

	if (!json_is_object(root))
		return eci_fail(e, 0, "%s: not a JSON object", file);
	json_object_foreach(root, key, val) {
		int k = find_key(key);
		json_t *locked;

		if (!strcmp(key, "configurationFileVersion"))
			continue;
		if (k < 0) {
			eci_warn("%s: unknown setting \"%s\" ignored", file, key);
			continue;
		}
		if (!json_is_object(val) || !json_object_get(val, "value"))
			return eci_fail(e, 0, "%s: \"%s\" must be an object with a \"value\"", file, key);
		locked = json_object_get(val, "locked");
		if (locked && !json_is_boolean(locked))
			return eci_fail(e, 0, "%s: \"%s.locked\" must be a boolean", file, key);
		if (take(&p->v[k], json_object_get(val, "value"), file, key, e) < 0 ||
		    check_words(k, &p->v[k], file, e) < 0)
			return -1;
		p->v[k].locked = json_is_true(locked);
		if (!(p->v[k].source = source_of(p, file)))
			return eci_fail(e, ENOMEM, "%s", file);
		if (k == POL_ECI && socket_images(p, val, file, e) < 0)
			return -1;
	}
	return 0;
}

static int admin_file(struct policy *p, const char *file, struct eci_err *e)
{
	json_error_t je;
	json_auto_t *root = json_load_file(file, JSON_REJECT_DUPLICATES, &je);

	if (!root)
		return eci_fail(e, 0, "%s: line %d column %d: %s", file, je.line, je.column, je.text);
	return admin_json(p, root, file, e);
}

int policy_parse_buffer(struct policy *p, const char *buf, size_t len, const char *name,
			struct eci_err *e)
{
	json_error_t je;
	json_auto_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);

	if (!root)
		return eci_fail(e, 0, "%s: line %d column %d: %s", name, je.line, je.column, je.text);
	return admin_json(p, root, name, e);
}

int policy_defaults(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	return defaults(p);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int json_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && !strcmp(d->d_name + n - 5, ".json");
}

int policy_load(struct policy *p, const char *dir, struct eci_err *e)
{
	struct dirent **names = NULL;
	int n, r = 0;

	mem_clear(p, sizeof(*p));
	snprintf(p->dir, sizeof(p->dir), "%s", dir);
	if (defaults(p) < 0)
		return eci_fail(e, ENOMEM, "policy");
	n = scandir(dir, &names, json_file, by_name);
	if (n < 0)
		return errno == ENOENT ? 0 : eci_fail(e, errno, "policy directory %s", dir);
	r = policy_check_owner(dir, e);
	for (int i = 0; i < n; i++) {
		char file[1024];

		snprintf(file, sizeof(file), "%s/%s", dir, names[i]->d_name);
		if (r == 0)
			r = policy_check_owner(file, e);
		if (r == 0)
			r = admin_file(p, file, e);
		free(names[i]);
	}
	free(names);
	return r;
}

int policy_user_path(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (xdg && xdg[0] == '/')
		return snprintf(buf, size, "%s/eci/settings.json", xdg) < (int)size ? 0 : -1;
	if (home && home[0] == '/')
		return snprintf(buf, size, "%s/.config/eci/settings.json", home) < (int)size ? 0 : -1;
	return -1;
}

int policy_load_user(struct policy *p, const char *path, struct eci_err *e)
{
	json_error_t je;
	json_auto_t *root = NULL;
	const char *key;
	json_t *val;
	FILE *f = fopen(path, "re");

	if (!f)
		return 0;
	root = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
	fclose(f);
	if (!root)
		return eci_fail(e, 0, "%s: line %d column %d: %s", path, je.line, je.column, je.text);
	if (!json_is_object(root))
		return eci_fail(e, 0, "%s: not a JSON object", path);
	json_object_foreach(root, key, val) {
		int k = find_key(key);

		if (k < 0) {
			eci_warn("%s: unknown setting \"%s\" ignored", path, key);
			continue;
		}
		if (p->v[k].locked) {
			eci_warn("%s: \"%s\" is managed by your administrator (%s): your value is "
				 "ignored", path, key, p->v[k].source);
			continue;
		}
		/* A host device is the administrator's to give, lock or not. */
		if (k == POL_ALLOWED_DEVICES) {
			eci_warn("%s: \"%s\" is set by your administrator only (%s): your value "
				 "is ignored", path, key, p->dir);
			continue;
		}
		if (take(&p->v[k], val, path, key, e) < 0 || check_words(k, &p->v[k], path, e) < 0)
			return -1;
		if (!(p->v[k].source = source_of(p, path)))
			return eci_fail(e, ENOMEM, "%s", path);
	}
	return 0;
}

const char *policy_image_pin(const char *entry)
{
	const char *at = strstr(entry, "@sha256:");

	if (at)
		return at + 1;
	return strncmp(entry, "sha256:", 7) ? NULL : entry;
}

bool policy_list_match(char *const *list, const char *name)
{
	for (; list && *list; list++)
		if (!fnmatch(*list, name, 0))
			return true;
	return false;
}

static json_t *value_json(const struct pol_value *v)
{
	json_t *arr;

	switch (v->type) {
	case POL_BOOL:
		return json_boolean(v->b);
	case POL_INT:
		return json_integer(v->i);
	case POL_STRING:
		return json_string(v->s ? v->s : "");
	case POL_LIST:
		arr = json_array();
		for (size_t i = 0; arr && i < v->n; i++)
			json_array_append_new(arr, json_string(v->list[i]));
		return arr;
	case POL_PATHS:
		arr = json_array();
		for (size_t i = 0; arr && i < v->n; i++)
			json_array_append_new(arr, json_pack("{s:s}", "path", v->list[i]));
		return arr;
	}
	return json_null();
}

json_t *policy_json(const struct policy *p)
{
	json_t *settings = json_object();

	for (int k = 0; settings && k < POL_NKEYS; k++)
		json_object_set_new(settings, pol_names[k],
				    json_pack("{s:o, s:b, s:s}", "value", value_json(&p->v[k]),
					      "locked", p->v[k].locked, "source", p->v[k].source));
	return settings;
}

/*
 * An allowedImages entry without a digest matches the name a user gives an
 * image, which the user chooses: say so where the administrator looks.
 */
static void show_image_names(const struct policy *p, FILE *out)
{
	for (char *const *l = p->v[POL_ALLOWED_IMAGES].list; l && *l; l++) {
		if (!strcmp(*l, "*") || policy_image_pin(*l))
			continue;
		fprintf(out, "\nNote: allowedImages entries without a digest (%s) match the name a "
			"user gives an image, at import or by a tag: they cannot stop a user who "
			"imports or tags images.  Only a pinned digest (NAME@sha256:..., "
			"sha256:...) allows content.\n", *l);
		return;
	}
}

void policy_show(const struct policy *p, FILE *out)
{
	bool managed = false;

	for (int k = 0; k < POL_NKEYS; k++)
		managed |= p->v[k].locked;
	fprintf(out, "%s\n%-28s %-8s %-40s %s\n",
		managed ? "Some settings are managed by your administrator."
			: "No setting is managed by your administrator.",
		"SETTING", "LOCKED", "SOURCE", "VALUE");
	for (int k = 0; k < POL_NKEYS; k++) {
		json_t *v = value_json(&p->v[k]);
		char *text = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

		fprintf(out, "%-28s %-8s %-40s %s\n", pol_names[k], p->v[k].locked ? "locked" : "-",
			p->v[k].source, p->v[k].type == POL_STRING ? p->v[k].s : text ? text : "?");
		free(text);
		json_decref(v);
	}
	show_image_names(p, out);
}

void policy_free(struct policy *p)
{
	for (int k = 0; k < POL_NKEYS; k++)
		clear_value(&p->v[k]);
	for (size_t i = 0; i < p->nsocket_images; i++)
		free(p->socket_images[i]);
	free(p->socket_images);
	p->socket_images = NULL;
	p->nsocket_images = 0;
	for (int k = 0; k < POL_NKEYS; k++)
		p->v[k].source = "default";
	for (size_t i = 0; i < p->nsources; i++)
		free(p->sources[i]);
	free(p->sources);
	p->sources = NULL;
	p->nsources = 0;
}
