import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** What an operator may write in `API_TRUST_PROXY` / `AUTH_TRUST_PROXY`. */
const SETTING_HELP =
  "must be false, true, or a comma-separated list of the proxy's IP addresses or CIDR ranges (10.0.0.5,fd00::/8)";

/**
 * Which TCP peers are the operator's reverse proxy, whose `X-Forwarded-*` headers are believed
 * (`API_TRUST_PROXY`, `AUTH_TRUST_PROXY`; docs/security.md 37):
 * - none (`false`, the default): the client is the TCP peer, and `X-Forwarded-*` is ignored, so a client cannot
 *   pick its own rate-limit bucket by writing the header;
 * - every peer (`true`): for a server that only the proxy can reach (bound to loopback or a private network);
 * - listed peers (`127.0.0.1`, `10.0.0.0/24,fd00::/8`): the header counts only on connections from the proxy, so a
 *   client that reaches the server directly, around the proxy, is still its own address.
 *
 * Behind a trusted peer the client is the LAST `X-Forwarded-For` entry: the one our proxy appended. Entries before
 * it are whatever the client sent and never count, and no hop count is offered: a count one too high hands the
 * choice of address to the client, while one proxy hop is what a TLS-terminating proxy or load balancer in front
 * of Gatehouse is. A trusted peer is also exempt from the per-address connection cap (its connections carry many
 * clients); the proxy bounds each client's connections itself.
 *
 * @example
 * const trust = TrustedProxies.parse('127.0.0.1');
 * trust.clientAddress('127.0.0.1', '198.51.100.1, 203.0.113.7'); // '203.0.113.7'
 * trust.clientAddress('192.0.2.9', '203.0.113.7'); // '192.0.2.9': not the proxy, the header is ignored
 */
export class TrustedProxies {
  /** `false`: no proxy; `X-Forwarded-*` is ignored. */
  static readonly NONE = new TrustedProxies('false', 'none');
  /** `true`: every peer is the proxy. */
  static readonly ANY = new TrustedProxies('true', 'any');

  readonly #text: string;
  readonly #mode: 'none' | 'any' | 'listed';
  readonly #listed: BlockList;

  private constructor(text: string, mode: 'none' | 'any' | 'listed', listed = new BlockList()) {
    this.#text = text;
    this.#mode = mode;
    this.#listed = listed;
  }

  /**
   * Reads the setting: `false`, `true`, or addresses and CIDR ranges separated by commas. Throws an Error whose
   * message says what is accepted (the config loader turns it into one line naming the variable).
   */
  static parse(text: string): TrustedProxies {
    const value = text.trim();
    if (value === 'false') return TrustedProxies.NONE;
    if (value === 'true') return TrustedProxies.ANY;
    const listed = new BlockList();
    const entries = value.split(',').map((entry) => entry.trim());
    for (const entry of entries) {
      if (!addEntry(listed, entry)) throw new Error(SETTING_HELP);
    }
    return new TrustedProxies(entries.join(','), 'listed', listed);
  }

  /** Whether a proxy is configured at all (`true` or a list): Koa's `proxy`, the auth server's Host check. */
  get configured(): boolean {
    return this.#mode !== 'none';
  }

  /** Whether this TCP peer is a trusted proxy: its `X-Forwarded-*` count, and it is not capped per address. */
  trusts(peer: string | undefined): boolean {
    if (this.#mode !== 'listed') return this.#mode === 'any';
    const address = (peer ?? '').replace(/%.*$/, ''); // a zone id names an interface, not a host
    const type = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
    // BlockList matches an IPv4-mapped IPv6 peer (::ffff:10.0.0.5, a dual-stack listener) against IPv4 ranges.
    return type !== undefined && this.#listed.check(address, type);
  }

  /**
   * The client's address as written (a port or an IPv6 address not yet grouped: count it through
   * `addressBucket`): the last `X-Forwarded-For` entry when `peer` is trusted and the header is there, else the
   * peer. An empty last entry stays empty (one shared bucket): the entry before it is the client's own writing.
   */
  clientAddress(peer: string | undefined, forwardedFor: string | readonly string[] | undefined): string {
    if (forwardedFor === undefined || !this.trusts(peer)) return peer ?? '';
    // Node joins repeated X-Forwarded-For lines with ", " in arrival order; a proxy appends its line last.
    const joined = typeof forwardedFor === 'string' ? forwardedFor : forwardedFor.join(',');
    return joined.slice(joined.lastIndexOf(',') + 1).trim();
  }

  /** The setting as it would be written: `false`, `true`, or the list. */
  toString(): string {
    return this.#text;
  }

  toJSON(): string {
    return this.#text;
  }
}

/** Adds `a.b.c.d`, `v6`, or either with `/prefix` to `list`; false when the entry is neither. */
function addEntry(list: BlockList, entry: string): boolean {
  const [address = '', prefix, extra] = entry.split('/');
  if (extra !== undefined) return false;
  const type = isIPv4(address) ? 'ipv4' : isIPv6(address) && !address.includes('%') ? 'ipv6' : undefined;
  if (type === undefined) return false;
  if (prefix === undefined) {
    list.addAddress(address, type);
    return true;
  }
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : Number.NaN;
  if (!(bits >= 0 && bits <= (type === 'ipv4' ? 32 : 128))) return false;
  list.addSubnet(address, bits, type);
  return true;
}
