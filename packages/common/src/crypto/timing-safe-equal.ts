import { createHash, timingSafeEqual as nodeTimingSafeEqual } from 'node:crypto';

/**
 * Constant-time string comparison. Both sides are hashed first so that neither the content nor the length of
 * the expected value leaks through timing.
 */
export function timingSafeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return nodeTimingSafeEqual(left, right);
}
