import { readdirSync, readFileSync } from 'node:fs';

/**
 * Resident memory of one process, in MiB: RSS counts every page mapped in, PSS divides each shared page (the
 * node binary's code, shared libraries) by the number of processes mapping it, so PSS adds up across the
 * processes of one instance without counting the shared pages twice.
 */
export interface ProcessRss {
  pid: number;
  command: string;
  rssMb: number;
  pssMb: number;
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
    const command = (read(`/proc/${pid}/cmdline`) ?? '').split('\0').filter(Boolean).slice(1, 4).join(' ');
    const pssKib = Number(
      /^Pss:\s+(\d+)\s+kB/m.exec(read(`/proc/${pid}/smaps_rollup`) ?? '')?.[1] ?? Number.NaN,
    );
    found.push({ pid, command, rssMb: kib / 1024, pssMb: pssKib / 1024 });
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
