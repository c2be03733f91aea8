import { readdirSync, readFileSync } from 'node:fs';

/**
 * Resident memory of one process, in MiB: `rssMb` counts every page it has mapped in; `anonymousMb` is the
 * part that is its own (heap, stacks, malloc), the rest is file pages (the node binary, shared libraries)
 * that every node process on the machine shares.
 */
export interface ProcessRss {
  pid: number;
  command: string;
  rssMb: number;
  anonymousMb: number;
}

/**
 * Resident memory of an instance made of several processes, in MiB: each process's own pages plus the
 * largest file-backed part once (the processes map the same node binary and libraries; summing RSS counts
 * those twice). PSS would split shared pages with unrelated node processes, the bench's own included.
 */
export function instanceResidentMb(processes: readonly ProcessRss[]): number {
  if (processes.length === 0) return Number.NaN;
  const own = processes.reduce((total, entry) => total + entry.anonymousMb, 0);
  return own + Math.max(...processes.map((entry) => entry.rssMb - entry.anonymousMb));
}

/**
 * VmRSS (from /proc/<pid>/status) of a process and every descendant, so a `gatehouse start` that runs the
 * API and the auth server in separate processes is reported per process. Linux only: empty elsewhere.
 */
export function processTreeRss(rootPid: number): ProcessRss[] {
  const found: ProcessRss[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift();
    if (pid === undefined) break;
    const status = read(`/proc/${pid}/status`);
    if (status === undefined) continue;
    const kib = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN);
    // node's arguments: its flags, the script and the script's first arguments (bounded, for the report).
    const command = (read(`/proc/${pid}/cmdline`) ?? '').split('\0').filter(Boolean).slice(1, 8).join(' ');
    const anonymousKib = Number(/^RssAnon:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN);
    found.push({ pid, command, rssMb: kib / 1024, anonymousMb: anonymousKib / 1024 });
    for (const task of safeList(`/proc/${pid}/task`)) {
      for (const child of (read(`/proc/${pid}/task/${task}/children`) ?? '').trim().split(/\s+/)) {
        if (child !== '') queue.push(Number(child));
      }
    }
  }
  return found;
}

/** The pids of a process and every descendant (Linux; just `rootPid` elsewhere). */
export function processTree(rootPid: number): number[] {
  return processTreeRss(rootPid).map((entry) => entry.pid);
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function safeList(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
