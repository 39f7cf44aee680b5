// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * signals.c - signals passed on to a container
 *
 * Theory of Operation: signals sent to eci-run or eci-runc's pid 1 (kill,
 * docker-style stop) are passed on to the container's pid 1, which passes
 * them to the workload: the usual few from eci-run (and SIGTERM as the
 * container's stop signal, --stop-signal or the image's StopSignal), and
 * from pid 1 every one that is not of a fault or of job control, the
 * real-time ones included (systemd halts on SIGRTMIN+3), as runc delivers
 * any signal to its container's init.  Those that a terminal generates (^C, ^\) reach
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

static const int base[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1,
			    SIGUSR2, SIGWINCH, SIGCONT };
/* pid 1 passes on every signal an engine or a user may send as runc
 * delivers any (a stop signal such as systemd's SIGRTMIN+3 included): the
 * asynchronous ones besides, not those of job control or of a fault */
static const int asynchronous[] = { SIGALRM, SIGPWR, SIGURG, SIGIO, SIGPROF, SIGVTALRM,
				    SIGSTKFLT };
static int forwarded[64];
static size_t nforwarded;
static size_t ninstalled;	/* forwarded[] up to this have forward() */
static volatile pid_t container_pid;
static volatile sig_atomic_t stop_asked;	/* a signal that ends a container came */
static int term_as = SIGTERM;			/* what SIGTERM is passed on as */

static void add(int sig)
{
	for (size_t i = 0; i < nforwarded; i++)
		if (forwarded[i] == sig)
			return;
	if (nforwarded < sizeof(forwarded) / sizeof(forwarded[0]))
		forwarded[nforwarded++] = sig;
}

static void base_set(void)
{
	if (nforwarded)
		return;
	for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		add(base[i]);
}

void container_forward_every(void)
{
	base_set();
	for (size_t i = 0; i < sizeof(asynchronous) / sizeof(asynchronous[0]); i++)
		add(asynchronous[i]);
	for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		add(sig);
}

void container_stop_signal(int sig)
{
	base_set();
	if (sig > 0 && sig != SIGKILL && sig != SIGSTOP) {
		add(sig);
		term_as = sig;
	}
}

static void forward(int sig, siginfo_t *si, void *uc)
{
	pid_t pid = container_pid;
	int saved = errno;

	if (sig == SIGTERM || sig == SIGINT || sig == SIGQUIT || sig == SIGHUP)
		stop_asked = 1;
	if (sig == SIGTERM)	/* a stop (eci-run stop, docker-style): its signal */
		sig = term_as;
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
	base_set();
	sigemptyset(&sa.sa_mask);
	/* Once each: pid 1 names the workload after the fork (47 signals). */
	for (; ninstalled < nforwarded; ninstalled++)
		sigaction(forwarded[ninstalled], &sa, NULL);
}

bool container_stop_asked(void)
{
	return stop_asked;
}

/* Hold the forwarded signals (@block) or let them in again. */
void container_block_signals(bool block)
{
	sigset_t set;

	base_set();
	sigemptyset(&set);
	for (size_t i = 0; i < nforwarded; i++)
		sigaddset(&set, forwarded[i]);
	sigprocmask(block ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

void container_default_signals(void)
{
	for (size_t i = 0; i < nforwarded; i++)
		signal(forwarded[i], SIG_DFL);
	ninstalled = 0;
}

WAITING int container_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return EXIT_ECI;
	return exit_code(status);
}
