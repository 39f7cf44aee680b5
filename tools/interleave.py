#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# interleave.py RUNS PREP_A CMD_A PREP_B CMD_B: the commands A and B in
# turn (A B B A ...), RUNS times each after one warm-up of each, each run
# after its PREP (untimed); every one a string for sh -c.  Prints the median
# wall times of A and of B in seconds, "A B".  For the rows whose times
# depend on the disk's state (writeback, discards), which drifts during a
# run: measured in turn, the two see it alike.  A command that fails stops
# the measurement (exit 1, its stderr shown).
import statistics, subprocess, sys, time

runs = int(sys.argv[1])
pairs = [(sys.argv[2], sys.argv[3]), (sys.argv[4], sys.argv[5])]
t = [[], []]
for k in range(runs + 1):
    for j in ((0, 1) if k % 2 == 0 else (1, 0)):
        prep, cmd = pairs[j]
        subprocess.run(prep, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t0 = time.monotonic()
        r = subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        t1 = time.monotonic()
        if r.returncode != 0:
            sys.stderr.write(r.stderr.decode(errors="replace"))
            sys.exit(1)
        if k > 0:
            t[j].append(t1 - t0)
print("%.6f %.6f" % (statistics.median(t[0]), statistics.median(t[1])))
