"""CPU time (user+sys, from wait4) and wall time of `slipway rollback`, builds alternating; each rollback follows an untimed deploy.
On a busy machine the wall time is noise and the CPU time is not.
  python3 bench/speed/rollback-cpu.py RUNS SPEC BUILD_DIR...    (a BUILD_DIR holds bin/ and dist/, as BENCH_BEFORE does)"""
import os, statistics, subprocess, sys, time


def timed(argv):
    t = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        null = os.open('/dev/null', os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.execvp(argv[0], argv)
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f'{" ".join(argv)} failed')
    return (usage.ru_utime + usage.ru_stime) * 1000, (time.perf_counter() - t) * 1000


runs, spec, builds = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
cpu = {b: [] for b in builds}
wall = {b: [] for b in builds}
for _ in range(runs):
    for b in builds:
        cli = os.path.join(b, 'bin/slipway.js')
        subprocess.run(['node', cli, 'deploy', '--spec', spec], capture_output=True, check=True)
        c, w = timed(['node', cli, 'rollback', '--spec', spec])
        cpu[b].append(c)
        wall[b].append(w)
print(f'load average {open("/proc/loadavg").read().split()[:3]}')
for b in builds:
    print(f'{b}: slipway rollback CPU median {statistics.median(cpu[b]):.0f} ms ({" ".join(f"{x:.0f}" for x in cpu[b])}), wall median {statistics.median(wall[b]):.0f} ms')
