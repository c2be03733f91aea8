import { ConfigError } from '@gatehouse/common';
import type { AuthServerConfig } from '../config/load-auth-server-config.js';

/** Who passkeys are registered to and where their ceremonies run (WebAuthn Level 3, 5.1.3, 13.4.9). */
export interface RelyingParty {
  /** The RP ID: a host name, the pages' own or a registrable parent of it. */
  readonly id: string;
  /** The origin the browser reports in `clientDataJSON`; anything else is refused (docs/security.md 43). */
  readonly origin: string;
  /** What the browser's passkey dialog names. */
  readonly name: string;
}

/**
 * The relying party for `issuer`: its origin and host name unless `AUTH_ORIGIN` / `AUTH_RP_ID` say otherwise (a
 * proxy that serves the pages under another name, passkeys shared with sibling subdomains). The RP ID must be
 * the origin's host or a parent domain of it, as browsers require: anything else fails the start, naming the
 * setting, instead of every passkey ceremony later.
 */
export function relyingPartyFor(issuer: string, config: Pick<AuthServerConfig, 'webauthn'>): RelyingParty {
  const origin = config.webauthn.origin ?? new URL(issuer).origin;
  const host = new URL(origin).hostname;
  const id = config.webauthn.rpId ?? host;
  if (host !== id && !host.endsWith(`.${id}`)) {
    throw new ConfigError(
      'AUTH_RP_ID',
      `Invalid AUTH_RP_ID: "${id}" is neither ${host} (the host of ${origin}) nor a domain it belongs to`,
    );
  }
  return { id, origin, name: 'Gatehouse' };
}
