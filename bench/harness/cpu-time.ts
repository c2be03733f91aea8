import { readFileSync } from 'node:fs';
import { processTree } from './process-rss.js';

/**
 * CPU seconds (user + system, all threads: the event loop and libuv's pool, where argon2 runs) a process has
 * used so far, from /proc/<pid>/stat; NaN where /proc is unavailable. Read before and after a run to tell
 * whether the server was saturated or waiting on the load generator.
 */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15 (proc(5)).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * Cores kept busy during a run (CPU seconds ÷ wall seconds) by the server (with its child processes: the
 * embedded auth server runs in one) and by this bench process.
 */
export interface CpuShare {
  server: number;
  bench: number;
}

/** Starts measuring; call the returned function at the end of the run. */
export function startCpuShare(serverPid: number | readonly number[]): () => CpuShare {
  const wallStart = process.hrtime.bigint();
  // The tree is read once at the start: a child that exits mid-run makes the figure NaN, never a wrong number.
  // Several roots: every process of a cluster (their CPU summed).
  const pids = (typeof serverPid === 'number' ? [serverPid] : serverPid).flatMap((root) => processTree(root));
  const serverCpu = (): number => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const serverStart = serverCpu();
  const benchStart = process.cpuUsage();
  return () => {
    const wall = Number(process.hrtime.bigint() - wallStart) / 1e9;
    const bench = process.cpuUsage(benchStart);
    return {
      server: (serverCpu() - serverStart) / wall,
      bench: (bench.user + bench.system) / 1e6 / wall,
    };
  };
}
