// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_network.c - the engine's network is the container's (issue 21)
 *
 * dockerd configures a container's network through pid 1's network
 * namespace (its prestart hook moves the veth there).  With eci-runc that
 * namespace is the workload's own (owned by its nested user namespace, so
 * that binding port 80 as container root works): the interface, the
 * address, a published port, and a name other containers of the network
 * resolve — each compared with runc on the same network.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "tap.h"

static char net[64];

static void net_up(void)
{
	char args[256];

	snprintf(net, sizeof(net), "eci-t-net-%d", (int)getpid());
	/* a subnet of its own: no clash with what else runs on the host */
	snprintf(args, sizeof(args), "network create --subnet 10.%d.%d.0/24 %s",
		 100 + (int)(getpid() % 100), (int)(getpid() / 100 % 250), net);
	expect(args, 0, NULL, NULL);
}

static void net_down(void)
{
	char args[512];
	struct run_result r;

	snprintf(args, sizeof(args), "rm -f web-eci web-runc >/dev/null 2>&1; docker network rm %s",
		 net);
	docker(args, &r);
	t_run_free(&r);
}

/* The address inside, and the gateway answering a ping. */
static void address(const char *runtime)
{
	char args[512];

	snprintf(args, sizeof(args), "run --rm --runtime %s --network %s " IMG " sh -c "
		 "'ip -4 -o addr show eth0; ping -c1 -W3 $(ip route | awk \"/default/ {print \\$3}\") "
		 ">/dev/null && echo GATEWAY-OK'", runtime, net);
	expect(args, 0, "GATEWAY-OK", NULL);
	expect(args, 0, "inet 10.", NULL);
}

START_TEST(bridge_address_and_gateway)
{
	net_up();
	address("runc");
	address("eci");
	net_down();
}
END_TEST

/* A server on port 80 (as container root), published, and found by name. */
static void serve(const char *runtime, int port)
{
	char args[700], url[64];
	struct run_result r;

	snprintf(args, sizeof(args), "run -d --name web-%s --runtime %s --network %s -p 127.0.0.1:%d:80 "
		 IMG " sh -c 'mkdir -p /w && echo served-by-%s > /w/index.html && "
		 "exec httpd -f -p 80 -h /w'", runtime, runtime, net, port, runtime);
	expect(args, 0, NULL, NULL);
	snprintf(url, sizeof(url), "served-by-%s", runtime);
	/* from another container of the network, by name (the engine's DNS) */
	snprintf(args, sizeof(args), "run --rm --runtime %s --network %s " IMG " sh -c "
		 "'for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://web-%s/ && exit 0; sleep 0.3; "
		 "done; exit 1'", runtime, net, runtime);
	expect(args, 0, url, NULL);
	/* from the host, through the published port */
	snprintf(args, sizeof(args), "run --rm --network host --runtime runc " IMG " sh -c "
		 "'for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://127.0.0.1:%d/ && exit 0; "
		 "sleep 0.3; done; exit 1'", port);
	docker(args, &r);
	ck_assert_msg(r.status == 0 && strstr(r.out, url), "-p 127.0.0.1:%d:80 with --runtime %s: "
		      "exit %d: %s%s", port, runtime, r.status, r.out, r.err);
	t_run_free(&r);
}

START_TEST(published_port_and_name)
{
	int port = 20000 + (int)(getpid() % 20000);

	net_up();
	serve("runc", port);
	serve("eci", port + 1);
	net_down();
}
END_TEST

/*
 * A pod: --network, --ipc and --pid container:X share X's loopback, its
 * IPC namespace and its processes, and an exec reaches the member; with
 * eci the member runs in X's slot (its uid map is X's).  Compared with
 * runc on the same commands.
 */
static void pod(const char *runtime)
{
	char x[64], y[64], want[64];
	struct run_result r, a;

	snprintf(x, sizeof(x), "podx-%s-%d", runtime, (int)getpid());
	snprintf(y, sizeof(y), "pody-%s-%d", runtime, (int)getpid());
	expectf(0, NULL, NULL, "run -d --ipc shareable --name %s --runtime %s " IMG " sh -c 'mkdir "
		"-p /w && echo pod-%s > /w/index.html && exec httpd -f -p 127.0.0.1:8080 -h /w'",
		x, runtime, runtime);
	snprintf(want, sizeof(want), "pod-%s", runtime);
	dockerf(&r, "run --rm --runtime %s --network container:%s --ipc container:%s --pid "
		"container:%s " IMG " sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- "
		"http://127.0.0.1:8080/ && break; sleep 0.3; done; ps -o comm | grep -qx httpd && "
		"echo httpd-seen; stat -L -c ipc=%%i /proc/self/ns/ipc'", runtime, x, x, x);
	/* X's httpd, seen from the member: it may still have the child it
	 * forked for the request, so the count is no matter */
	ck_assert_msg(r.status == 0 && strstr(r.out, want) && strstr(r.out, "\nhttpd-seen\n"),
		      "%s member: exit %d: %s%s", runtime, r.status, r.out, r.err);
	dockerf(&a, "exec %s stat -L -c ipc=%%i /proc/self/ns/ipc", x);
	ck_assert_msg(a.status == 0 && strstr(r.out, a.out), "%s: ipc %s vs %s", runtime, a.out,
		      r.out);
	t_run_free(&r);
	t_run_free(&a);
	expectf(0, NULL, NULL, "run -d --name %s --runtime %s --network container:%s " IMG
		" sleep 300", y, runtime, x);
	dockerf(&r, "exec %s wget -qO- http://127.0.0.1:8080/", y);
	ck_assert_msg(r.status == 0 && strstr(r.out, want), "exec in %s: exit %d: %s%s", y,
		      r.status, r.out, r.err);
	t_run_free(&r);
	if (!strcmp(runtime, "eci"))
		ck_assert_uint_eq(map_of(x), map_of(y));
	dockerf(&r, "rm -f %s %s", y, x);
	t_run_free(&r);
}

START_TEST(pod_shares_network_ipc_pid)
{
	pod("runc");
	pod("eci");
}
END_TEST

Suite *network_suite(void)
{
	Suite *s = suite_create("engine network");
	TCase *tc = tcase_create("bridge");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, bridge_address_and_gateway);
	tcase_add_test(tc, published_port_and_name);
	tcase_add_test(tc, pod_shares_network_ipc_pid);
	suite_add_tcase(s, tc);
	return s;
}
