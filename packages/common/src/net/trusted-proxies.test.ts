import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../config/config-error.js';
import { parseEnv } from '../config/parse-env.js';
import { trustProxySetting } from '../config/trust-proxy-setting.js';
import { TrustedProxies } from './trusted-proxies.js';

const read = (value: string | undefined) =>
  parseEnv(z.object({ API_TRUST_PROXY: trustProxySetting }), { API_TRUST_PROXY: value }).API_TRUST_PROXY;

describe('TrustedProxies', () => {
  it('reads false (the default), true, and lists of addresses and CIDR ranges', () => {
    expect(read(undefined)).toBe(TrustedProxies.NONE);
    expect(read('')).toBe(TrustedProxies.NONE);
    expect(read('false')).toBe(TrustedProxies.NONE);
    expect(read('true')).toBe(TrustedProxies.ANY);
    expect(read(' 127.0.0.1 , 10.0.0.0/8,fd00::/8,::1 ').toString()).toBe(
      '127.0.0.1,10.0.0.0/8,fd00::/8,::1',
    );
    expect(TrustedProxies.NONE.configured).toBe(false);
    expect(TrustedProxies.ANY.configured).toBe(true);
    expect(read('127.0.0.1').configured).toBe(true);
    expect(JSON.stringify({ trustProxy: read('10.0.0.0/8') })).toBe('{"trustProxy":"10.0.0.0/8"}');
  });

  it.each([
    'yes',
    '1',
    'TRUE',
    '127.0.0.1,',
    '10.0.0.0/33',
    '10.0.0.0/-1',
    '10.0.0.0/8/8',
    '10.0.0.0/',
    'fd00::/129',
    '127.0.0.1:8080',
    'fe80::1%eth0',
    'proxy.internal',
  ])('refuses API_TRUST_PROXY=%s with one line naming it', (value) => {
    expect(() => read(value)).toThrow(ConfigError);
    expect(() => read(value)).toThrow(
      /^Invalid API_TRUST_PROXY: must be false, true, or a comma-separated list/,
    );
  });

  it('trusts no peer when off, every peer with true, and only listed peers with a list', () => {
    expect(TrustedProxies.NONE.trusts('127.0.0.1')).toBe(false);
    expect(TrustedProxies.ANY.trusts('192.0.2.1')).toBe(true);
    const listed = TrustedProxies.parse('127.0.0.1,10.0.0.0/24,fd00::/8');
    expect(listed.trusts('127.0.0.1')).toBe(true);
    expect(listed.trusts('127.0.0.2')).toBe(false);
    expect(listed.trusts('10.0.0.255')).toBe(true);
    expect(listed.trusts('10.0.1.0')).toBe(false);
    // A dual-stack listener sees IPv4 peers as IPv4-mapped IPv6 addresses.
    expect(listed.trusts('::ffff:10.0.0.7')).toBe(true);
    expect(listed.trusts('::ffff:10.0.1.7')).toBe(false);
    expect(listed.trusts('fd12:3456::1')).toBe(true);
    expect(listed.trusts('fe80::1%eth0')).toBe(false);
    expect(listed.trusts('2001:db8::1')).toBe(false);
    expect(listed.trusts(undefined)).toBe(false);
    expect(listed.trusts('not an address')).toBe(false);
  });

  // docs/security.md 37: the client is the last X-Forwarded-For entry (the one our proxy appended), and only on a
  // connection from a trusted proxy; anything a client wrote itself never names it.
  it('takes the last X-Forwarded-For entry from a trusted peer, and the peer itself otherwise', () => {
    const listed = TrustedProxies.parse('127.0.0.1');
    expect(listed.clientAddress('127.0.0.1', '203.0.113.7')).toBe('203.0.113.7');
    expect(listed.clientAddress('127.0.0.1', '198.51.100.1, 10.9.9.9,203.0.113.7')).toBe('203.0.113.7');
    expect(listed.clientAddress('127.0.0.1', ['198.51.100.1', '203.0.113.7:5123'])).toBe('203.0.113.7:5123');
    expect(listed.clientAddress('127.0.0.1', undefined)).toBe('127.0.0.1');
    // An empty last entry is not replaced by the client-written one before it.
    expect(listed.clientAddress('127.0.0.1', '198.51.100.1, ')).toBe('');
    // Around the proxy, or with no proxy configured, the header is the client's own writing.
    expect(listed.clientAddress('192.0.2.9', '203.0.113.7')).toBe('192.0.2.9');
    expect(TrustedProxies.NONE.clientAddress('127.0.0.1', '203.0.113.7')).toBe('127.0.0.1');
    expect(TrustedProxies.NONE.clientAddress(undefined, '203.0.113.7')).toBe('');
    expect(TrustedProxies.ANY.clientAddress('192.0.2.9', '198.51.100.1, 203.0.113.7')).toBe('203.0.113.7');
  });
});
