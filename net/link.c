// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * link.c - link state over rtnetlink; see net.h
 */
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "cleanup.h"
#include "net.h"

void *nl_put_request(void *buf, uint16_t type, uint16_t flags, unsigned seq, size_t len)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	return mnl_nlmsg_put_extra_header(nlh, len);
}

size_t nl_build_link_up(void *buf, int ifindex, unsigned seq)
{
	struct ifinfomsg *ifm = nl_put_request(buf, RTM_NEWLINK, NLM_F_ACK, seq, sizeof(*ifm));

	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	return ((struct nlmsghdr *)buf)->nlmsg_len;
}

/* Send one request and wait for its ACK; the ACK's error is returned. */
static int nl_talk(void *buf, size_t len, unsigned seq)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	unsigned portid;
	ssize_t n;
	int ret;

	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, buf, len) < 0) {
		ret = -errno;
		goto out;
	}
	n = mnl_socket_recvfrom(nl, buf, MNL_SOCKET_BUFFER_SIZE);
	if (n < 0) {
		ret = -errno;
		goto out;
	}
	ret = mnl_cb_run(buf, (size_t)n, seq, portid, NULL, NULL);
	ret = ret < 0 ? -errno : 0;
out:
	mnl_socket_close(nl);
	return ret;
}

int nl_link_sync(int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned seq = (unsigned)time(NULL);
	struct ifinfomsg *ifm = nl_put_request(buf, RTM_GETLINK, 0, seq, sizeof(*ifm));

	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	return nl_talk(buf, ((struct nlmsghdr *)buf)->nlmsg_len, seq);
}

int nl_loopback_up(struct eci_err *e)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned seq = (unsigned)time(NULL);
	int idx = (int)if_nametoindex("lo");
	int r;

	if (!idx)
		return eci_fail(e, errno, "find interface lo");
	r = nl_talk(buf, nl_build_link_up(buf, idx, seq), seq);
	if (r < 0)
		return eci_fail(e, -r, "set lo up (RTM_NEWLINK)");
	return 0;
}

int net_tap_prepare(const char *name, struct eci_err *e)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	_cleanup_close_ int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return eci_fail(e, errno, "open /dev/net/tun");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0 || ioctl(fd, TUNSETPERSIST, 1) < 0)
		return eci_fail(e, errno, "create the tap device %s", name);
	return 0;
}
