// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * route.c - wait for the IPv4 default route over rtnetlink; see net.h
 *
 * Theory of Operation: pasta and slirp4netns configure the container's
 * interface from outside (link up, MTU, address, then the default route
 * through their gateway) and only then open their sockets and enter their
 * loop.  The workload needs only the first part: a packet it sends before
 * the loop runs waits in the tap device's queue.  So its start waits for
 * the default route, the last step of the configuration, and for nothing
 * more.  The socket joins the route notification group first and asks for
 * the routes it already has second: a route added between the two shows in
 * one or both, never in neither.  If the kernel drops notifications
 * (ENOBUFS) or a change interrupts the dump, the table is asked for again.
 *
 * Then the route's interface is asked for once (nl_link_sync()): the
 * device's carrier came on when the program took it, but its operational
 * state (IFF_RUNNING, /sys/class/net/IF/operstate) follows only when the
 * kernel's link watch runs, at most once a second; since Linux 6.8 a
 * request for one link runs its pending event first, so that the workload
 * does not see NO-CARRIER on a working interface.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "net.h"
#include "util.h"

struct default_route {
	bool found;
	int oif;		/* its interface, 0 if it names none */
};

static int route_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == RTA_OIF && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		((struct default_route *)data)->oif = (int)mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

/* An IPv4 default route of the main table. */
static int on_route(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct default_route *r = data;

	if (nlh->nlmsg_type == RTM_NEWROUTE && rtm->rtm_family == AF_INET &&
	    rtm->rtm_dst_len == 0 && rtm->rtm_table == RT_TABLE_MAIN &&
	    rtm->rtm_type == RTN_UNICAST) {
		r->found = true;
		mnl_attr_parse(nlh, sizeof(*rtm), route_attr, r);
	}
	return MNL_CB_OK;
}

static int ask_routes(struct mnl_socket *nl, unsigned seq)
{
	union {
		struct nlmsghdr align;
		char buf[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct rtmsg))];
	} u;
	struct rtmsg *rtm = nl_put_request(u.buf, RTM_GETROUTE, NLM_F_DUMP, seq, sizeof(*rtm));

	rtm->rtm_family = AF_INET;
	return mnl_socket_sendto(nl, &u.align, u.align.nlmsg_len) < 0 ? -errno : 0;
}

/* What one datagram says: route found or not; -errno. */
static int read_routes(struct mnl_socket *nl, unsigned seq, struct default_route *found)
{
	char buf[32768];	/* a dump's datagram: at most a page or two */
	ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));

	if (n < 0)
		return errno == ENOBUFS ? ask_routes(nl, seq) : -errno;
	/* Not checked against ours: a notification carries the sequence and
	 * port of the request that changed the table (pasta's).  A dump the
	 * table's changes interrupted (EINTR) is asked for again. */
	if (mnl_cb_run(buf, (size_t)n, 0, 0, on_route, found) < 0)
		return errno == EINTR ? ask_routes(nl, seq) : -errno;
	return 0;
}

static int ms_left(long long end)
{
	long long ms = end - mono_ms();

	return ms < 0 ? 0 : (int)ms;
}

int nl_await_default_route(int stop_fd, int timeout_ms)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	unsigned seq = (unsigned)time(NULL);
	struct default_route found = { 0 };
	long long end = mono_ms() + timeout_ms;
	int r;

	if (!nl)
		return -errno;
	r = mnl_socket_bind(nl, RTMGRP_IPV4_ROUTE, MNL_SOCKET_AUTOPID) < 0 ? -errno
									     : ask_routes(nl, seq);
	while (r == 0 && !found.found) {
		struct pollfd pfd[2] = { { .fd = mnl_socket_get_fd(nl), .events = POLLIN },
					 { .fd = stop_fd, .events = POLLIN } };
		int n = poll(pfd, stop_fd >= 0 ? 2 : 1, ms_left(end));

		if (n < 0 && errno != EINTR)
			r = -errno;
		else if (n == 0)
			r = -ETIMEDOUT;
		else if (n > 0 && pfd[0].revents)
			r = read_routes(nl, seq, &found);
		else if (n > 0 && pfd[1].revents)
			r = -ECHILD;
	}
	mnl_socket_close(nl);
	if (r == 0 && found.oif > 0)
		nl_link_sync(found.oif);
	return r;
}
