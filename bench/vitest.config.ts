import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The harness's own unit tests (statistics, cookie jar, form parsing, pools): pure functions, no timing.
// Kept out of the root `npm test` on purpose: bench/ is not part of the product.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: { include: ['**/*.test.ts'], exclude: ['**/node_modules/**', 'dist/**'] },
});
