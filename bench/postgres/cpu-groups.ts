import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU seconds used so far by a process tree, the children it has reaped included: the sum over every live
 * process of the tree of utime + stime + cutime + cstime (proc(5)). A PostgreSQL backend that exits during a run
 * (the pool's idle timeout) leaves its time in the postmaster's cutime, so the figure only grows, and a delta
 * over a run counts every backend that ran in it. Linux only: NaN elsewhere.
 */
export function treeCpuSeconds(rootPid: number): number {
  let ticks = 0;
  let seen = 0;
  const queue = [rootPid];
  // Bounded: a process tree here is a few dozen processes at most.
  while (queue.length > 0 && seen < 10_000) {
    const pid = queue.shift();
    if (pid === undefined) break;
    seen += 1;
    const stat = read(`/proc/${pid}/stat`);
    if (stat === undefined) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    for (const task of list(`/proc/${pid}/task`)) {
      for (const child of (read(`/proc/${pid}/task/${task}/children`) ?? '').trim().split(/\s+/)) {
        if (child !== '') queue.push(Number(child));
      }
    }
  }
  return seen === 0 ? Number.NaN : ticks / 100;
}

/** The pids of this process's children running `command` (e.g. the haproxy processes a bench started). */
export function childrenNamed(command: string): number[] {
  const found: number[] = [];
  for (const task of list(`/proc/${process.pid}/task`)) {
    for (const child of (read(`/proc/${process.pid}/task/${task}/children`) ?? '').trim().split(/\s+/)) {
      if (child !== '' && read(`/proc/${child}/comm`)?.trim() === command) found.push(Number(child));
    }
  }
  return found;
}

/** CPU seconds of the whole machine (every core, all but idle and iowait), from /proc/stat. */
export function machineCpuSeconds(): number {
  const line = read('/proc/stat')?.split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = values;
  return (user + nice + system + irq + softirq + steal) / 100;
}

/** The parent of a process (from /proc/<pid>/stat), or undefined. */
export function parentPid(pid: number): number | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  return Number.isInteger(parent) && parent > 0 ? parent : undefined;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function list(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
