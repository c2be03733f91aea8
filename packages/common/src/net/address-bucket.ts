import { isIPv4, isIPv6 } from 'node:net';

/**
 * The one bucket for every address that is not an IP address (after removing a port). Failing closed: a proxy
 * that writes something odd into X-Forwarded-For must not give each connection a fresh per-address counter.
 */
export const UNPARSEABLE_ADDRESS_BUCKET = 'unparseable';

/**
 * The bucket a client address is counted under, by both servers' rate limits, throttles and per-address
 * connection caps: an IPv4 address as is (IPv4-mapped IPv6 `::ffff:a.b.c.d` included), an IPv6 address by its
 * /64 prefix. One IPv6 subscriber usually holds a whole /64 (RFC 6177,
 * RFC 8981 privacy addresses rotate inside it), so counting per full address let one attacker try from
 * 2^64 "addresses" and never reach a per-address limit. A port (`a.b.c.d:port`, `[v6]:port`, as some proxies
 * write X-Forwarded-For) is dropped, since the client picks it anew for every connection; anything still not an
 * IP address goes into {@link UNPARSEABLE_ADDRESS_BUCKET} (docs/security.md 32).
 */
export function addressBucket(raw: string): string {
  const address = withoutPort(raw.trim());
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped?.[1] && isIPv4(mapped[1])) return mapped[1];
  if (isIPv4(address)) return address;
  const bare = address.replace(/%.*$/, '');
  if (!isIPv6(bare)) return UNPARSEABLE_ADDRESS_BUCKET;
  return `${expandIpv6(bare).slice(0, 4).join(':')}::/64`;
}

/** `a.b.c.d:port` → `a.b.c.d`; `[v6]` or `[v6]:port` → `v6` (RFC 3986 3.2.2 brackets); else unchanged. */
function withoutPort(address: string): string {
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(address);
  if (v4?.[1]) return v4[1];
  const v6 = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(address);
  if (v6?.[1]) return v6[1];
  return address;
}

/** The eight hextets of a valid IPv6 address (an embedded IPv4 tail only ever lands in the last 32 bits). */
function expandIpv6(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const part = (text: string) => (text === '' ? [] : text.split(':'));
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  const zeros = Array.from({ length: Math.max(0, 8 - left.length - right.length) }, () => '0');
  return [...left, ...zeros, ...right].map((hextet) =>
    hextet.includes('.') ? hextet : Number.parseInt(hextet, 16).toString(16),
  );
}
