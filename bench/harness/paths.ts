import { fileURLToPath } from 'node:url';

/** The repository root, from the compiled location `bench/dist/harness/paths.js`. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The `gatehouse` command's compiled entry point, run as a child process (its public interface).
 * `BENCH_GATEHOUSE_BIN` points the bench at another build of the same command.
 */
export const gatehouseBin =
  process.env.BENCH_GATEHOUSE_BIN ??
  fileURLToPath(new URL('../../../packages/cli/dist/bin.js', import.meta.url));

/** Where `npm run bench` writes its JSON results (git-ignored). */
export const resultsDir = fileURLToPath(new URL('../../results/', import.meta.url));
