/**
 * CPU time of process trees, from /proc (Linux): what a benchmark's work cost each component
 * (Temporal services, PostgreSQL, workers), so figures on a small machine can be scaled on paper.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/PID/stat times (`getconf CLK_TCK`, 100 on Linux). */
const TICKS_PER_SEC = 100;

/** utime + stime (+ cutime + cstime: children already reaped) of one process, in ticks; 0 when it is gone. */
function ticksOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 (state) on.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  } catch {
    return 0;
  }
}

/** Direct children of a process (from each of its threads' /proc children list). */
export function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/** CPU seconds used so far by `pid` and all its descendants (live ones, and reaped ones through their parent). */
export function treeCpuSeconds(pid: number): number {
  let ticks = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop()!;
    ticks += ticksOf(p);
    stack.push(...childrenOf(p));
  }
  return ticks / TICKS_PER_SEC;
}

/** The PostgreSQL server listening on `port` (its postmaster, started with `-p PORT`), or null. */
export function postmasterPid(port: number): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const p = cmdline.indexOf('-p');
      if (cmdline[0]?.endsWith('postgres') && p > 0 && cmdline[p + 1] === String(port)) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

/** Named groups of processes whose CPU time is compared between two snapshots. */
export class CpuMeter {
  constructor(private readonly groups: Record<string, () => number[]>) {}

  /** CPU seconds per group now (the bench process itself as `client`). */
  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, pids] of Object.entries(this.groups)) out[name] = pids().reduce((sum, pid) => sum + treeCpuSeconds(pid), 0);
    const own = process.cpuUsage();
    out.client = (own.user + own.system) / 1e6;
    return out;
  }

  /** CPU seconds per group between `before` and now. */
  since(before: Record<string, number>): Record<string, number> {
    const now = this.snapshot();
    return Object.fromEntries(Object.entries(now).map(([k, v]) => [k, Math.round((v - (before[k] ?? 0)) * 100) / 100]));
  }
}
