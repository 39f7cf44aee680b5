/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fdpass.h - pass one file descriptor over a unix socket (SCM_RIGHTS)
 */
#ifndef ECI_FDPASS_H
#define ECI_FDPASS_H

#include <stddef.h>

/**
 * fd_send() - send @len bytes of @buf with @fd attached
 * Return: 0 or -errno.
 */
int fd_send(int sock, const void *buf, size_t len, int fd);

/**
 * fd_recv() - receive a message of exactly @len bytes into @buf
 * Return: the attached fd (close-on-exec), -1 if the message had none,
 *         -2 if no whole message arrived.
 */
int fd_recv(int sock, void *buf, size_t len);

#endif
