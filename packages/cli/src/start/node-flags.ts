/**
 * V8 flags for the processes `gatehouse start` runs: the API (the `gatehouse` process itself, through the
 * bin's shebang and the root `npm start` script, which must repeat them: a running process cannot take them)
 * and the embedded auth server (forked with them and {@link AUTH_SERVER_NODE_FLAGS}). Plain V8 options, valid
 * on Node 20, 22 and 24.
 * - `--max-semi-space-size=2`: Node lets the young generation grow to 3 × 16 MiB under load and keeps it;
 *   little of a request's garbage survives a scavenge, so 2 MiB semi-spaces hold resident memory down
 *   (`npm run bench`, the API process at 10,000 sessions: ~250 → ~125 MB) without costing throughput.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

/**
 * The auth server's, on top: `--max-old-space-size=1024`. With memory to spare V8 lets the old generation
 * reach 4 × what survived the last full GC before it collects again; under a 1 GiB cap the factor is 1.6
 * (V8's MemoryController::MaxGrowingFactor). Its live heap is ~20 MB (sessions live in SQLite), so the cap
 * leaves 50× headroom; after 10,000 sign-ins it held 129–167 MB RSS without it, 118–123 MB with it, at the
 * same sign-in rate. The API does without: it stays near 125 MB, and its refresh rate was ~4% lower with the
 * cap (3 interleaved pairs).
 */
export const AUTH_SERVER_NODE_FLAGS: readonly string[] = [...SERVER_NODE_FLAGS, '--max-old-space-size=1024'];
