/**
 * The key a client's socket address is counted under for the per-address connection cap: an IPv4 address as
 * is (IPv4-mapped IPv6 included), an IPv6 address by its /64 prefix, because one host or home network is
 * usually given a whole /64 and could otherwise open each connection from another address.
 *
 * @example
 * addressKey('::ffff:192.0.2.7'); // '192.0.2.7'
 * addressKey('2001:db8:1:2::5'); // '2001:db8:1:2::/64'
 */
export function addressKey(address: string | undefined): string {
  if (address === undefined || address === '') return 'unknown';
  const plain = address.split('%')[0] ?? address; // a zone id (fe80::1%eth0) names an interface, not a host
  if (!plain.includes(':')) return plain;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(plain);
  if (mapped?.[1] !== undefined) return mapped[1];
  const groups = (text: string): string[] => {
    if (text === '') return [];
    const parts = text.split(':');
    // An embedded IPv4 address at the end takes the room of two groups.
    return parts.flatMap((part) => (part.includes('.') ? ['0', '0'] : [part]));
  };
  const [head = '', tail] = plain.split('::');
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const full = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  const prefix = full.slice(0, 4).map((group) => (Number.parseInt(group, 16) || 0).toString(16));
  return `${prefix.join(':')}::/64`;
}
