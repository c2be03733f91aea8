import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config-error.js';
import { openAuditLog } from './audit-log.js';

describe('openAuditLog', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-audit-unit-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('appends one JSON line per event to a file kept 0600, after what was there', () => {
    const file = join(dir, 'audit.log');
    writeFileSync(file, '{"earlier":true}\n');
    chmodSync(file, 0o644);
    const audit = openAuditLog(file, { now: () => Date.UTC(2030, 0, 2, 3, 4, 5) });
    audit.write({ event: 'logout', outcome: 'success', user: 'u1', session: undefined });
    audit.close();
    audit.write({ event: 'logout', outcome: 'success' });
    expect(readFileSync(file, 'utf8')).toBe(
      '{"earlier":true}\n{"time":"2030-01-02T03:04:05.000Z","event":"logout","outcome":"success","user":"u1"}\n',
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('fails with one line naming AUDIT_LOG when the file cannot be opened', () => {
    expect(() => openAuditLog(join(dir, 'missing', 'audit.log'))).toThrow(ConfigError);
    expect(() => openAuditLog(join(dir, 'missing', 'audit.log'))).toThrow(
      /^Invalid AUDIT_LOG: cannot open .* \(ENOENT\)$/,
    );
  });

  it('writes nothing without AUDIT_LOG', () => {
    expect(openAuditLog(undefined).enabled).toBe(false);
  });
});
