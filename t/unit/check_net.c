// SPDX-License-Identifier: GPL-2.0-or-later
/* check_net.c - rtnetlink messages, built by eci and parsed back with libmnl */
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include "net.h"
#include "unit.h"

START_TEST(link_up_message)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	size_t len = nl_build_link_up(buf, 7, 1234);
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct ifinfomsg *ifm;

	ck_assert_uint_eq(len, nlh->nlmsg_len);
	ck_assert(mnl_nlmsg_ok(nlh, (int)len));
	ck_assert_uint_eq(nlh->nlmsg_type, RTM_NEWLINK);
	ck_assert_uint_eq(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	ck_assert_uint_eq(nlh->nlmsg_seq, 1234);
	ck_assert_uint_eq(mnl_nlmsg_get_payload_len(nlh), sizeof(*ifm));
	ifm = mnl_nlmsg_get_payload(nlh);
	ck_assert_int_eq(ifm->ifi_index, 7);
	ck_assert_uint_eq(ifm->ifi_family, AF_UNSPEC);
	ck_assert_uint_eq(ifm->ifi_flags & IFF_UP, IFF_UP);
	ck_assert_uint_eq(ifm->ifi_change, IFF_UP);
}
END_TEST

Suite *net_suite(void)
{
	Suite *s = suite_create("net");
	TCase *tc = tcase_create("netlink");

	tcase_add_test(tc, link_up_message);
	suite_add_tcase(s, tc);
	return s;
}
