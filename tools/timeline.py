#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# timeline.py RUNS CMD... [-- CMD2...]: run CMD RUNS times (after 3
# warm-ups) with ECI_TIMELINE set, and print a Markdown table of each
# step's median time since the start of the run (the exec of CMD), then
# the end of the run.  The steps are eci's tl_mark() names
# (common/timeline.c).  With CMD2 (another build, say), the two run in
# turn, A B B A ..., so that the machine's drifting pace weighs on both
# alike; CMD2's table goes to the file $TIMELINE_OUT2.
import os, statistics, subprocess, sys, tempfile, time

argv = sys.argv[2:]
cmds = [argv[:argv.index("--")], argv[argv.index("--") + 1:]] if "--" in argv else [argv]
runs = int(sys.argv[1])
res = [({}, []) for _ in cmds]
fd, path = tempfile.mkstemp(prefix="eci-timeline.", dir=os.environ.get("TMPDIR", "/tmp"))
os.close(fd)
for i in range(runs + 3):
    order = range(len(cmds)) if i % 2 == 0 else reversed(range(len(cmds)))
    for j in order:
        steps, ends = res[j]
        open(path, "w").close()
        env = dict(os.environ, ECI_TIMELINE=path)
        t0 = time.monotonic_ns()
        subprocess.run(cmds[j], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        t1 = time.monotonic_ns()
        if i < 3:
            continue
        ends.append((t1 - t0) / 1e6)
        with open(path) as f:
            for line in f:
                ns, step = line.rstrip("\n").split(" ", 1)
                steps.setdefault(step, []).append((int(ns) - t0) / 1e6)
os.unlink(path)


def table(steps, ends, out):
    rows = sorted(((statistics.median(v), k, len(v)) for k, v in steps.items()))
    print("| step | ms since the exec (median) | after the previous step |", file=out)
    print("|---|---|---|", file=out)
    prev = 0.0
    for ms, step, n in rows + [(statistics.median(ends), "the run's end (the caller's wait returns)", len(ends))]:
        print("| %s | %.2f | +%.2f |" % (step, ms, ms - prev), file=out)
        prev = ms


table(*res[0], sys.stdout)
if len(cmds) > 1:
    with open(os.environ["TIMELINE_OUT2"], "w") as out:
        table(*res[1], out)
