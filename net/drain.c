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
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
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

/* Does a TCP socket of @family owe its peer something?  1, 0, -errno. */
static int owing(struct mnl_socket *nl, unsigned seq, unsigned char family)
{
	union {
		struct nlmsghdr align;
		char buf[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct inet_diag_req_v2))];
	} u;
	struct inet_diag_req_v2 *req =
		nl_put_request(u.buf, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, seq, sizeof(*req));
	unsigned port = mnl_socket_get_portid(nl);
	bool found = false;
	char buf[16384];
	ssize_t n;
	int r;

	req->sdiag_family = family;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_states = OWING;
	if (mnl_socket_sendto(nl, &u.align, u.align.nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		r = mnl_cb_run(buf, (size_t)n, seq, port, on_socket, &found);
	} while (r == MNL_CB_OK);
	if (r < 0)
		return errno == ENOENT ? 0 : -errno;	/* ENOENT: no such family here */
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

int nl_await_drained(int sockstat, int sockstat6, int timeout_ms)
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
		nanosleep(&(struct timespec){ .tv_nsec = pause_ns }, NULL);
		if (pause_ns < 16000000)
			pause_ns *= 2;
	}
	if (nl)
		mnl_socket_close(nl);
	return r;
}
