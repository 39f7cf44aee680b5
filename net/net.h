/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * net.h - container network setup over rtnetlink (libmnl)
 *
 * Theory of Operation: a new network namespace has one interface, lo, and it
 * is down.  nl_loopback_up() sends RTM_NEWLINK with IFF_UP for it and waits
 * for the kernel's acknowledgement; the kernel then adds 127.0.0.1/8 and
 * ::1/128 by itself.  Errors carry the kernel's errno and what was being set.
 * nl_await_default_route() waits, in the caller's network namespace, for
 * the IPv4 default route that pasta or slirp4netns adds last (route.c);
 * nl_await_drained(), at the container's end, until its TCP sockets have
 * delivered what the workload left in them, and the program has read
 * every frame of the tap (drain.c).
 *
 * net_tap_prepare() makes the tap device that pasta or slirp4netns then
 * uses, persistent, before either starts: their TUNSETIFF of that name
 * attaches to it instead of making one.  The point is the end.  Closing the
 * last file of a tap device that is not persistent unregisters it there and
 * then, and the kernel waits for every pending RCU callback to run
 * (rcu_barrier() in netdev_run_todo(); 15-30 ms measured on Linux 6.18), in
 * the exit of the program, which eci-run waits for.  A persistent device
 * outlives the program and goes with its network namespace, which the
 * kernel dismantles in the background once the container and the program
 * are gone, as it does for --network none.
 */
#ifndef ECI_NET_H
#define ECI_NET_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/**
 * nl_put_request() - start a request in @buf: the netlink header (type
 * @type, NLM_F_REQUEST and @flags, sequence @seq) and a zeroed family
 * header of @len bytes after it
 *
 * Return: the family header, to fill in.
 */
void *nl_put_request(void *buf, uint16_t type, uint16_t flags, unsigned seq, size_t len);

/**
 * nl_build_link_up() - build an RTM_NEWLINK request that sets a link up
 * @buf:     buffer of at least MNL_SOCKET_BUFFER_SIZE bytes
 * @ifindex: interface index
 * @seq:     sequence number
 *
 * Return: the message length.
 */
size_t nl_build_link_up(void *buf, int ifindex, unsigned seq);

/**
 * nl_loopback_up() - bring lo up in the current network namespace
 * @e: error record
 *
 * Return: 0 or negative.
 */
int nl_loopback_up(struct eci_err *e);

/**
 * nl_await_default_route() - wait for an IPv4 default route in the main
 * table of the current network namespace
 * @stop_fd:    stop waiting once it is readable (a pidfd: its process
 *              exited); -1 for none
 * @timeout_ms: how long to wait at most
 *
 * Return: 0 once the route exists, -ECHILD if @stop_fd became readable
 * first, -ETIMEDOUT, or another -errno of the netlink socket.
 */
int nl_await_default_route(int stop_fd, int timeout_ms);

/**
 * nl_await_drained() - wait until no TCP socket of the current network
 * namespace holds bytes, or a FIN, its peer has not acknowledged, and then
 * until the program has read what the tap device was handed (drain.c)
 * @sockstat:   /proc/PID/net/sockstat of a process of that namespace, open;
 *              -1 if none (then the table is asked at once)
 * @sockstat6:  its /proc/PID/net/sockstat6, or -1
 * @tap:        the tap device's name; NULL: no wait for it
 * @timeout_ms: how long to wait at most, for both
 *
 * Return: once drained, 1 if frames went out through the tap, else 0;
 * -ETIMEDOUT, or another -errno of netlink.
 */
int nl_await_drained(int sockstat, int sockstat6, const char *tap, int timeout_ms);

/**
 * nl_await_tap_read() - wait until the program attached to tap device
 * @ifname has read every frame the device was handed (or the driver
 * dropped it), or until it has no reader (drain.c)
 * @end: mono_ms() at which to give up
 *
 * Return: once so, 1 if the device was handed any frame, else 0;
 * -ETIMEDOUT, or another -errno of netlink.
 */
int nl_await_tap_read(const char *ifname, long long end);

/**
 * nl_link_sync() - ask for one link (RTM_GETLINK), which since Linux 6.8
 * brings its operational state up to date (route.c says why)
 * @ifindex: interface index
 *
 * Return: 0 or -errno.
 */
int nl_link_sync(int ifindex);

/**
 * net_tap_prepare() - make a persistent tap device in the current network
 * namespace, for pasta or slirp4netns to take
 * @name: its name
 * @e:    error record
 *
 * Return: 0 or negative.
 */
int net_tap_prepare(const char *name, struct eci_err *e);

#endif
