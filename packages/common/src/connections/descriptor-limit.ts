import { readFileSync } from 'node:fs';

/** What a server assumes where it cannot read the limit (not Linux): a common soft limit. */
export const DEFAULT_DESCRIPTOR_LIMIT = 1024;

/**
 * The process's limit on open file descriptors (RLIMIT_NOFILE, the soft limit: the one that makes `accept()`
 * fail with EMFILE). Node has no API for it; on Linux `/proc/self/limits` says it, and Node has already raised
 * the soft limit to the hard one at start. Elsewhere, or when it is unlimited or unreadable, a safe default.
 */
export function readDescriptorLimit(
  read: () => string = () => readFileSync('/proc/self/limits', 'utf8'),
): number {
  let text: string;
  try {
    text = read();
  } catch {
    return DEFAULT_DESCRIPTOR_LIMIT;
  }
  const soft = /^Max open files\s+(\d+)\s/m.exec(text)?.[1];
  const limit = soft === undefined ? Number.NaN : Number(soft);
  return Number.isSafeInteger(limit) && limit > 0 ? limit : DEFAULT_DESCRIPTOR_LIMIT;
}
