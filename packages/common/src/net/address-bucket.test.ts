import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { addressBucket, UNPARSEABLE_ADDRESS_BUCKET } from './address-bucket.js';

describe('addressBucket', () => {
  it('keeps IPv4 addresses whole, IPv4-mapped ones included', () => {
    expect(addressBucket('203.0.113.7')).toBe('203.0.113.7');
    expect(addressBucket('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressBucket('::FFFF:203.0.113.7')).toBe('203.0.113.7');
  });

  it('groups IPv6 addresses by their /64 prefix, however they are written', () => {
    const bucket = '2001:db8:0:1::/64';
    expect(addressBucket('2001:db8:0:1::1')).toBe(bucket);
    expect(addressBucket('2001:0db8:0000:0001:ffff:eeee:dddd:cccc')).toBe(bucket);
    expect(addressBucket('2001:db8:0:1:a::%eth0')).toBe(bucket);
    expect(addressBucket('2001:db8:0:2::1')).not.toBe(bucket);
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
    expect(addressBucket('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressBucket('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
  });

  // docs/security.md 32: a proxy that writes `ip:port` into X-Forwarded-For must not make a new bucket per
  // connection (the client picks a new source port each time), which would bypass every per-address counter.
  it('drops a port, so one client is one bucket whatever port it connects from', () => {
    expect(addressBucket('203.0.113.7:49152')).toBe('203.0.113.7');
    expect(addressBucket('203.0.113.7:1')).toBe(addressBucket('203.0.113.7:65535'));
    expect(addressBucket('[2001:db8:0:1::1]:49152')).toBe('2001:db8:0:1::/64');
    expect(addressBucket('[2001:db8:0:1::1]')).toBe('2001:db8:0:1::/64');
    expect(addressBucket('[::ffff:203.0.113.7]:443')).toBe('203.0.113.7');
    expect(addressBucket(' 203.0.113.7 ')).toBe('203.0.113.7');
  });

  it('puts anything that is still not an IP address into one fixed bucket', () => {
    const odd = ['unknown', '', 'obfuscated-1', 'obfuscated-2', '999.0.113.7', '[nope]:80'];
    for (const address of odd) expect(addressBucket(address)).toBe(UNPARSEABLE_ADDRESS_BUCKET);
    expect(isIP(UNPARSEABLE_ADDRESS_BUCKET)).toBe(0);
  });
});
