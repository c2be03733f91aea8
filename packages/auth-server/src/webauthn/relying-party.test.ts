import { ConfigError } from '@gatehouse/common';
import { describe, expect, it } from 'vitest';
import { loadAuthServerConfig } from '../config/load-auth-server-config.js';
import { relyingPartyFor } from './relying-party.js';

describe('the passkeys relying party', () => {
  it('comes from the issuer unless AUTH_RP_ID or AUTH_ORIGIN say otherwise', () => {
    const plain = loadAuthServerConfig({});
    expect(relyingPartyFor('http://localhost:4000', plain)).toEqual({
      id: 'localhost',
      origin: 'http://localhost:4000',
      name: 'Gatehouse',
    });
    const proxied = loadAuthServerConfig({
      AUTH_RP_ID: 'example.com',
      AUTH_ORIGIN: 'https://login.example.com',
    });
    expect(relyingPartyFor('https://login.example.com', proxied)).toMatchObject({
      id: 'example.com',
      origin: 'https://login.example.com',
    });
  });

  it('refuses to start with an RP ID that is not the origin’s host or a domain it belongs to', () => {
    const config = loadAuthServerConfig({ AUTH_RP_ID: 'evil.example' });
    expect(() => relyingPartyFor('https://login.example.com', config)).toThrow(ConfigError);
    expect(() => relyingPartyFor('https://login.example.com', config)).toThrow(
      /^Invalid AUTH_RP_ID: "evil.example"/,
    );
    // A suffix that is not a whole label is no parent domain.
    const suffix = loadAuthServerConfig({ AUTH_RP_ID: 'ample.com' });
    expect(() => relyingPartyFor('https://login.example.com', suffix)).toThrow(/AUTH_RP_ID/);
  });

  it('refuses an AUTH_ORIGIN with a path and an AUTH_RP_ID with a scheme or port, naming the setting', () => {
    expect(() => loadAuthServerConfig({ AUTH_ORIGIN: 'https://login.example.com/auth' })).toThrow(
      /AUTH_ORIGIN/,
    );
    expect(() => loadAuthServerConfig({ AUTH_RP_ID: 'https://example.com' })).toThrow(/AUTH_RP_ID/);
    expect(() => loadAuthServerConfig({ AUTH_RP_ID: 'example.com:443' })).toThrow(/AUTH_RP_ID/);
  });
});
