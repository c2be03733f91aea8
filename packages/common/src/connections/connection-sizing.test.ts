import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DESCRIPTOR_LIMIT, readDescriptorLimit } from './descriptor-limit.js';
import { maxConnectionsFor } from './max-connections-for.js';

describe('sizing the connection limit', () => {
  it('reads the soft descriptor limit from /proc/self/limits, with a safe default elsewhere', () => {
    const text = [
      'Limit                     Soft Limit           Hard Limit           Units     ',
      'Max processes             96367                96367                processes ',
      'Max open files            4096                 524288               files     ',
    ].join('\n');
    expect(readDescriptorLimit(() => text)).toBe(4096);
    expect(readDescriptorLimit(() => 'Max open files  unlimited  unlimited  files')).toBe(
      DEFAULT_DESCRIPTOR_LIMIT,
    );
    expect(
      readDescriptorLimit(() => {
        throw new Error('ENOENT: no /proc here');
      }),
    ).toBe(DEFAULT_DESCRIPTOR_LIMIT);
    // This process's own, as the shell it starts sees it (a child inherits the limit).
    if (process.platform === 'linux') {
      expect(readDescriptorLimit()).toBe(Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim()));
    }
  });

  it('keeps an eighth of the descriptors (64 to 1024) for the server itself', () => {
    expect(maxConnectionsFor(1024)).toBe(1024 - 128);
    expect(maxConnectionsFor(20_000)).toBe(20_000 - 1024);
    expect(maxConnectionsFor(256)).toBe(256 - 64);
    expect(maxConnectionsFor(40)).toBe(16);
  });
});
