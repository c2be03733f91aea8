/**
 * V8 flags for the processes `gatehouse start` runs: the API (the `gatehouse` process itself, through the
 * bin's shebang and the root `npm start` script, which must repeat them: a running process cannot take them)
 * and the embedded auth server (forked with them). Plain V8 options, valid on Node 20, 22 and 24.
 * - `--max-semi-space-size=2`: Node lets the young generation grow to 3 × 16 MiB under load and keeps it;
 *   little of a request's garbage survives a scavenge, so 2 MiB semi-spaces hold resident memory down
 *   (`npm run bench`, the API process at 10,000 sessions: ~250 → ~125 MB) without costing throughput.
 * - `--max-old-space-size=1024`: on a machine with memory to spare V8 lets the old generation grow to 4 × what
 *   survived the last full GC before collecting again; under a 1 GiB cap the factor is 1.6 (V8's
 *   MemoryController::MaxGrowingFactor). The live heap here is ~20 MB, so the cap leaves 50× headroom, and the
 *   auth server after 10,000 sign-ins went from 143–167 to ~118 MB with the same throughput.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--max-old-space-size=1024'];
