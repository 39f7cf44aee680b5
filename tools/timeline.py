#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# timeline.py RUNS CMD...: run CMD RUNS times (after 3 warm-ups) with
# ECI_TIMELINE set, and print a Markdown table of each step's median time
# since the start of the run (the exec of CMD), then the end of the run.
# The steps are eci's tl_mark() names (common/timeline.c).
import os, statistics, subprocess, sys, tempfile, time

runs, cmd = int(sys.argv[1]), sys.argv[2:]
steps, ends = {}, []
fd, path = tempfile.mkstemp(prefix="eci-timeline.", dir=os.environ.get("TMPDIR", "/tmp"))
os.close(fd)
for i in range(runs + 3):
    open(path, "w").close()
    env = dict(os.environ, ECI_TIMELINE=path)
    t0 = time.monotonic_ns()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    t1 = time.monotonic_ns()
    if i < 3:
        continue
    ends.append((t1 - t0) / 1e6)
    with open(path) as f:
        for line in f:
            ns, step = line.rstrip("\n").split(" ", 1)
            steps.setdefault(step, []).append((int(ns) - t0) / 1e6)
os.unlink(path)
rows = sorted(((statistics.median(v), k, len(v)) for k, v in steps.items()))
print("| step | ms since the exec (median) | after the previous step |")
print("|---|---|---|")
prev = 0.0
for ms, step, n in rows + [(statistics.median(ends), "the run's end (the caller's wait returns)", len(ends))]:
    print("| %s | %.2f | +%.2f |" % (step, ms, ms - prev))
    prev = ms
