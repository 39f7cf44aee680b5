// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * signals.c - signals passed on to a container
 *
 * Theory of Operation: signals sent to eci-run or eci-runc's pid 1 (kill,
 * docker-style stop) are passed on to the container's pid 1, which passes
 * them to the workload.  Those that a terminal generates (^C, ^\) reach
 * eci-run's process group, pid 1 included, but not the workload, which
 * runs in a session of its own (init.c): they are recognised by si_code
 * SI_KERNEL and passed on only to a process outside the receiver's group,
 * so never twice.
 */
#include <errno.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core.h"
#include "util.h"

static const int forwarded[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1,
				 SIGUSR2, SIGWINCH, SIGCONT };
static volatile pid_t container_pid;
static volatile sig_atomic_t stop_asked;	/* a signal that ends a container came */

static void forward(int sig, siginfo_t *si, void *uc)
{
	pid_t pid = container_pid;
	int saved = errno;

	if (sig == SIGTERM || sig == SIGINT || sig == SIGQUIT || sig == SIGHUP)
		stop_asked = 1;
	/* From the terminal, which signals a whole process group: @pid got it
	 * too if it is in ours.  In a pid namespace whose init is in a group
	 * of the parent namespace (pid 1 and a workload still setting up)
	 * both ids read 0, which is the same answer. */
	if (pid > 0 && !(si->si_code == SI_KERNEL && getpgid(pid) == getpgrp()))
		kill(pid, sig);
	errno = saved;
}

void container_forward_signals(pid_t pid)
{
	struct sigaction sa = { .sa_sigaction = forward, .sa_flags = SA_SIGINFO | SA_RESTART };

	container_pid = pid;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaction(forwarded[i], &sa, NULL);
}

bool container_stop_asked(void)
{
	return stop_asked;
}

/* Hold the forwarded signals (@block) or let them in again. */
void container_block_signals(bool block)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&set, forwarded[i]);
	sigprocmask(block ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

void container_default_signals(void)
{
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		signal(forwarded[i], SIG_DFL);
}

int container_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return EXIT_ECI;
	return exit_code(status);
}
