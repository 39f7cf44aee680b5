// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * drain.c - wait until the TCP sockets of the caller's network namespace
 * have delivered what they hold; see net.h
 *
 * Theory of Operation: a workload that writes to a TCP socket and exits
 * leaves the socket to the kernel (an orphan), which goes on sending what
 * is queued, and then the FIN.  With pasta or slirp4netns those bytes leave
 * the namespace through the program, which eci-run stops once the
 * container has ended: stopped before they are through, it takes them
 * along.  So pid 1, in the workload's network namespace, asks the kernel
 * (sock_diag) for the TCP sockets there, IPv4 and IPv6, and waits while
 * one holds bytes its peer has not acknowledged (idiag_wqueue: written and
 * not acknowledged, sent or not) or a FIN its peer has not acknowledged
 * (FIN_WAIT1, CLOSING, LAST_ACK).  The kernel has no event to wait for, so
 * it asks again after a pause that doubles from 0.25 ms to 16 ms, for at
 * most the time given: a peer that reads nothing holds a container's end
 * no longer than that.
 *
 * A dump walks the kernel's table of connected sockets, which every
 * network namespace shares, bucket by bucket: about 1 ms for each family
 * here, empty namespace or not.  So it is asked only while the namespace
 * has TCP sockets at all: its /proc/net/sockstat and sockstat6 count them
 * ("TCP: inuse N", every socket in the table: listening, connected or
 * closing), per namespace, without a walk.  The caller opens those files
 * while the namespace has a process to name it by; an open file keeps
 * answering for its namespace.  After most workloads both say 0, and
 * nothing more is asked.
 *
 * A datagram (UDP, ICMP) has no socket to wait on: sendto() returns once
 * the frame is in the tap device's queue, and a workload whose last act
 * is to send one ends before the program has read it.  So pid 1 waits
 * too until the program has read every frame the interface was handed:
 * the device's queueing discipline counts each frame it passes on to the
 * tun driver (TCA_STATS_BASIC), and the driver counts each frame the
 * program reads as sent, or, when it cannot queue it, dropped
 * (IFLA_STATS64).  Drained when the discipline holds nothing and the two
 * counts meet.  A device without carrier has no reader (the program is
 * gone): nothing will read what it holds, and nothing is waited for.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/gen_stats.h>
#include <linux/if_link.h>
#include <linux/inet_diag.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "net.h"
#include "util.h"

/* The states in which a TCP socket may still owe its peer something. */
#define OWING ((1U << TCP_ESTABLISHED) | (1U << TCP_CLOSE_WAIT) | (1U << TCP_FIN_WAIT1) | \
	       (1U << TCP_CLOSING) | (1U << TCP_LAST_ACK))

static int on_socket(const struct nlmsghdr *nlh, void *data)
{
	const struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*m))
		return MNL_CB_OK;
	if (m->idiag_wqueue > 0 || m->idiag_state == TCP_FIN_WAIT1 ||
	    m->idiag_state == TCP_CLOSING || m->idiag_state == TCP_LAST_ACK)
		*(bool *)data = true;
	return MNL_CB_OK;
}

/* Send @req and run @cb on the answer, all of a dump's parts when @dump.
 * 0, or -errno (the kernel's, from an error message). */
static int exchange(struct mnl_socket *nl, const struct nlmsghdr *req, unsigned seq, bool dump,
		    mnl_cb_t cb, void *data)
{
	unsigned port = mnl_socket_get_portid(nl);
	char buf[16384];
	ssize_t n;
	int r;

	if (mnl_socket_sendto(nl, req, req->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		r = mnl_cb_run(buf, (size_t)n, seq, port, cb, data);
	} while (r == MNL_CB_OK && dump);
	return r < 0 ? -errno : 0;
}

/* Does a TCP socket of @family owe its peer something?  1, 0, -errno. */
static int owing(struct mnl_socket *nl, unsigned seq, unsigned char family)
{
	union {
		struct nlmsghdr align;
		char buf[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct inet_diag_req_v2))];
	} u;
	struct inet_diag_req_v2 *req =
		nl_put_request(u.buf, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, seq, sizeof(*req));
	bool found = false;
	int r;

	req->sdiag_family = family;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_states = OWING;
	r = exchange(nl, &u.align, seq, true, on_socket, &found);
	if (r < 0)
		return r == -ENOENT ? 0 : r;	/* ENOENT: no such family here */
	return found;
}

/* "@key inuse N" of a sockstat file: N, or -1 if unreadable. */
static long inuse(int fd, const char *key)
{
	char buf[2048], *p;
	ssize_t n;

	if (fd < 0 || (n = pread(fd, buf, sizeof(buf) - 1, 0)) <= 0)
		return -1;
	buf[n] = '\0';
	for (p = buf; (p = strstr(p, key)); p++)
		if ((p == buf || p[-1] == '\n') && !strncmp(p + strlen(key), " inuse ", 7))
			return strtol(p + strlen(key) + 7, NULL, 10);
	return -1;
}

/* Has the namespace TCP sockets?  Only 0 if both files say so. */
static bool any_tcp(int sockstat, int sockstat6)
{
	return inuse(sockstat, "TCP:") != 0 || inuse(sockstat6, "TCP6:") > 0;
}

/* What the device's counters say, from one RTM_GETLINK and one qdisc dump. */
struct tap_count {
	int ifindex;
	bool carrier;
	bool have_qdisc;
	uint32_t passed;	/* frames the root qdisc passed to the driver */
	uint32_t qlen;		/* frames it holds */
	uint64_t read;		/* frames the program read (tx_packets) */
	uint64_t dropped;	/* frames the driver dropped (tx_dropped) */
};

static int on_link(const struct nlmsghdr *nlh, void *data)
{
	struct tap_count *c = data;
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWLINK || mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifm) ||
	    ifm->ifi_index != c->ifindex)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*ifm)) {
		struct rtnl_link_stats64 st;

		if (mnl_attr_get_type(a) == IFLA_CARRIER && mnl_attr_get_payload_len(a) >= 1)
			c->carrier = mnl_attr_get_u8(a) != 0;
		if (mnl_attr_get_type(a) != IFLA_STATS64 || mnl_attr_get_payload_len(a) < sizeof(st))
			continue;
		memcpy(&st, mnl_attr_get_payload(a), sizeof(st));
		c->read = st.tx_packets;
		c->dropped = st.tx_dropped;
	}
	return MNL_CB_OK;
}

static int on_qdisc(const struct nlmsghdr *nlh, void *data)
{
	struct tap_count *c = data;
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a, *b;

	if (nlh->nlmsg_type != RTM_NEWQDISC || mnl_nlmsg_get_payload_len(nlh) < sizeof(*tcm) ||
	    tcm->tcm_ifindex != c->ifindex || tcm->tcm_parent != TC_H_ROOT)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*tcm)) {
		if (mnl_attr_get_type(a) != TCA_STATS2)
			continue;
		mnl_attr_for_each_nested(b, a) {
			struct gnet_stats_basic basic;
			struct gnet_stats_queue queue;

			if (mnl_attr_get_type(b) == TCA_STATS_BASIC &&
			    mnl_attr_get_payload_len(b) >= offsetof(struct gnet_stats_basic, packets) +
								   sizeof(basic.packets)) {
				memcpy(&basic, mnl_attr_get_payload(b),
				       offsetof(struct gnet_stats_basic, packets) + sizeof(basic.packets));
				c->passed = basic.packets;
				c->have_qdisc = true;
			} else if (mnl_attr_get_type(b) == TCA_STATS_QUEUE &&
				   mnl_attr_get_payload_len(b) >= sizeof(queue)) {
				memcpy(&queue, mnl_attr_get_payload(b), sizeof(queue));
				c->qlen = queue.qlen;
			}
		}
	}
	return MNL_CB_OK;
}

/* One request of @type (a dump when @dump) for @c's device, its answer
 * through @cb. */
static int ask(struct mnl_socket *nl, unsigned seq, uint16_t type, bool dump, mnl_cb_t cb,
	       struct tap_count *c)
{
	union {
		struct nlmsghdr align;
		char buf[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct tcmsg))];
	} u;

	if (type == RTM_GETLINK) {
		struct ifinfomsg *ifm = nl_put_request(u.buf, type, 0, seq, sizeof(*ifm));

		ifm->ifi_index = c->ifindex;
	} else {
		struct tcmsg *tcm = nl_put_request(u.buf, type, dump ? NLM_F_DUMP : 0, seq,
						   sizeof(*tcm));

		tcm->tcm_ifindex = c->ifindex;
	}
	return exchange(nl, &u.align, seq, dump, cb, c);
}

/* Has the program read (or the driver dropped) every frame the device was
 * handed?  1 when so, or when nothing can tell or will read; 0; -errno.
 * *@passed: how many the device was handed. */
static int tap_read(struct mnl_socket *nl, unsigned *seq, int ifindex, uint32_t *passed)
{
	struct tap_count c = { .ifindex = ifindex };
	int r = ask(nl, ++*seq, RTM_GETQDISC, true, on_qdisc, &c);

	if (r == 0)
		r = ask(nl, ++*seq, RTM_GETLINK, false, on_link, &c);
	if (r < 0)
		return r;
	*passed = c.passed;
	if (!c.have_qdisc || !c.carrier)
		return 1;
	/* the qdisc counts in 32 bits, and may have wrapped */
	return c.qlen == 0 && (int32_t)((uint32_t)(c.read + c.dropped) - c.passed) >= 0;
}

/* The pause between two questions: from 0.25 ms, doubling to 16 ms. */
static void pause_after(long *pause_ns)
{
	nanosleep(&(struct timespec){ .tv_nsec = *pause_ns }, NULL);
	if (*pause_ns < 16000000)
		*pause_ns *= 2;
}

int nl_await_tap_read(const char *ifname, long long end)
{
	int ifindex = (int)if_nametoindex(ifname);
	struct mnl_socket *nl;
	long pause_ns = 250000;
	unsigned seq = (unsigned)time(NULL);
	uint32_t passed = 0;
	int r;

	if (ifindex <= 0)
		return -errno;
	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		if (nl)
			mnl_socket_close(nl);
		return r;
	}
	while ((r = tap_read(nl, &seq, ifindex, &passed)) == 0) {
		if (mono_ms() >= end) {
			r = -ETIMEDOUT;
			break;
		}
		pause_after(&pause_ns);
	}
	mnl_socket_close(nl);
	return r < 0 ? r : passed > 0;
}

int nl_await_drained(int sockstat, int sockstat6, const char *tap, int timeout_ms)
{
	struct mnl_socket *nl = NULL;
	long long end = mono_ms() + timeout_ms;
	long pause_ns = 250000;
	unsigned seq = (unsigned)time(NULL);
	int r;

	for (;;) {
		if (!any_tcp(sockstat, sockstat6)) {
			r = 0;
			break;
		}
		if (!nl) {
			nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC);
			if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
				r = -errno;
				break;
			}
		}
		r = owing(nl, ++seq, AF_INET);
		if (r == 0)
			r = owing(nl, ++seq, AF_INET6);
		if (r <= 0)
			break;
		if (mono_ms() >= end) {
			r = -ETIMEDOUT;
			break;
		}
		pause_after(&pause_ns);
	}
	if (nl)
		mnl_socket_close(nl);
	/* the TCP sockets' last segments are frames of the tap's too */
	if (r == 0 && tap)
		r = nl_await_tap_read(tap, end);
	return r;
}
