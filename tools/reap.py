#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# reap.py CMD...: run CMD as a child subreaper (PR_SET_CHILD_SUBREAPER) that
# reaps every orphan of CMD's the moment it exits, as a host's init does,
# and exit with CMD's status.
#
# Why (tools/bench.sh): a tool that returns while the init of its pid
# namespace is still ending — bwrap does, eci-run does — leaves that process
# to the reaper of orphans.  On a host that is systemd (or any init) and
# reaps at once.  Some machines' init reaps only now and then (seen: about
# once a second), and meanwhile the zombies pile up by the hundred in a
# benchmark's loop.  A zombie is still an entry of /proc, and eci's helper
# asks each entry for its ids on every start: so the peers' zombies slowed
# eci's start, and the measurement said more of that init than of either
# tool.  Under this reaper both run as on an ordinary host.
import ctypes
import os
import signal
import sys

PR_SET_CHILD_SUBREAPER = 36

if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
    sys.exit("reap.py: PR_SET_CHILD_SUBREAPER: " + os.strerror(ctypes.get_errno()))
child = os.fork()
if child == 0:
    try:
        # Python ignores these; CMD gets them as any program would
        for sig in (signal.SIGPIPE, signal.SIGXFSZ):
            signal.signal(sig, signal.SIG_DFL)
        os.execvp(sys.argv[1], sys.argv[1:])
    finally:
        os._exit(127)
while True:
    try:
        pid, status = os.wait()
    except InterruptedError:
        continue
    if pid == child:
        code = os.waitstatus_to_exitcode(status)
        sys.exit(code if code >= 0 else 128 - code)
