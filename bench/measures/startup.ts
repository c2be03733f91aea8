import { freePort } from '@gatehouse/common/testing';
import { startGatehouse } from '../gatehouse/start-gatehouse.js';
import { median } from '../harness/stats.js';

/** Time from spawning `gatehouse start` to `/readyz` answering 200. */
export interface StartupTimes {
  /** The first start on a data directory that only holds users: includes creating keys and migrations. */
  firstMs: number;
  /** Later starts on the same directory. */
  runsMs: number[];
  medianMs: number;
}

/** Starts and stops Gatehouse `repetitions + 1` times on `dataDir` and times each start. */
export async function measureStartup(dataDir: string, repetitions: number): Promise<StartupTimes> {
  const times: number[] = [];
  for (let run = 0; run <= repetitions; run += 1) {
    const gatehouse = await startGatehouse({ port: await freePort(), authPort: await freePort(), dataDir });
    times.push(gatehouse.readyMs);
    await gatehouse.stop();
  }
  const [firstMs = Number.NaN, ...runsMs] = times;
  return { firstMs, runsMs, medianMs: median(runsMs) };
}
