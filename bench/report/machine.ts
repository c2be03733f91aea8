import { arch, availableParallelism, cpus as listCpus, loadavg, platform, release, totalmem } from 'node:os';

/** The machine a run happened on, printed above the table and stored in the JSON. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
  loadAverage: number[];
}

/** Reads CPU model, logical cores (what the OS lets us schedule on), memory, Node version and load. */
export function machineInfo(): MachineInfo {
  const cpus = listCpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${platform()} ${release()} ${arch()}`,
    loadAverage: loadavg().map((value) => Math.round(value * 100) / 100),
  };
}
