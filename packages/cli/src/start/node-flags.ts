/**
 * V8 flags for the processes `gatehouse start` runs: the API (the `gatehouse` process itself, through the
 * bin's shebang and the root `npm start` script, which must repeat them: a running process cannot take them)
 * and the embedded auth server (forked with them). Node lets the young generation grow to 3 × 16 MiB under
 * load and keeps it; little of a request's garbage survives a scavenge, so 2 MiB semi-spaces hold resident
 * memory down (`npm run bench`, the API process at 10,000 sessions: ~250 → ~125 MB) without costing
 * throughput. Plain V8 options, valid on Node 20, 22 and 24.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];
