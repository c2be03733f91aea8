import { isIPv4, isIPv6 } from 'node:net';

/**
 * The throttling bucket of a client address: an IPv4 address as is (IPv4-mapped IPv6 `::ffff:a.b.c.d`
 * included), an IPv6 address by its /64 prefix. One IPv6 subscriber usually holds a whole /64 (RFC 6177,
 * RFC 8981 privacy addresses rotate inside it), so counting per full address let one attacker try from
 * 2^64 "addresses" and never reach a per-address limit.
 */
export function addressBucket(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped?.[1] && isIPv4(mapped[1])) return mapped[1];
  const bare = address.replace(/%.*$/, '');
  if (!isIPv6(bare)) return address;
  return `${expandIpv6(bare).slice(0, 4).join(':')}::/64`;
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
