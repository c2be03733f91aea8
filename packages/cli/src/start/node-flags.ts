/**
 * Node and V8 flags for both processes `gatehouse start` runs: the API (the `gatehouse` process itself, through
 * the bin's shebang and the root `npm start` script, which must repeat them: a running process cannot take
 * them) and the embedded auth server (forked with them). Valid on Node 20, 22 and 24.
 * - `--max-semi-space-size=2`: Node lets the young generation grow to 3 × 16 MiB under load and keeps it;
 *   little of a request's garbage survives a scavenge, so 2 MiB semi-spaces hold resident memory down
 *   (`npm run bench`, the API process at 10,000 sessions: ~250 → ~125 MB) without costing throughput.
 * - `--v8-pool-size=1`: one V8 background thread (concurrent GC and compilation) where Node starts 4 whatever
 *   the machine. Each thread that allocates gets a malloc arena of its own and keeps what it touched: 1 thread
 *   instead of 4 held the instance (both processes, shared pages once) at 10,000 sessions to 153–155 MB instead
 *   of 161–162 (2 runs each, 2 cores). A fixed 1, not `0` (cores less one), which would give a 16-core machine
 *   15 threads and arenas; heaps of 20–25 MB need no more help than one thread gives.
 * - `--max-old-space-size=512`: with memory to spare V8 lets the old generation reach 4 × what survived the
 *   last full GC before it collects again; under a cap the factor shrinks (1.4 at 512 MiB, V8's
 *   MemoryController::MaxGrowingFactor). Each live heap is ~20–25 MB (sessions live in SQLite; the API's
 *   bearer cache is bounded at 10,000 entries), so 512 MiB is 20× headroom. Instance at 10,000 sessions:
 *   146.5–148.2 MB (2 runs) against 152.3–154.8 without; sign-in CPU and rate no different in 2 interleaved
 *   pairs (auth server at 512 vs 1024 MiB: 76.9/81.3 vs 81.4/79.0 sign-ins/s).
 */
export const SERVER_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=2',
  '--v8-pool-size=1',
  '--max-old-space-size=512',
];
