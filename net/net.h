/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * net.h - container network setup over rtnetlink (libmnl)
 *
 * Theory of Operation: a new network namespace has one interface, lo, and it
 * is down.  nl_loopback_up() sends RTM_NEWLINK with IFF_UP for it and waits
 * for the kernel's acknowledgement; the kernel then adds 127.0.0.1/8 and
 * ::1/128 by itself.  Errors carry the kernel's errno and what was being set.
 */
#ifndef ECI_NET_H
#define ECI_NET_H

#include <stddef.h>

#include "err.h"

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

#endif
