import {
  createHash,
  createHmac,
  createSign,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the test double answers the token request. */
export type TokenBehaviour = 'ok' | 'error' | '5xx' | 'non-json' | 'no-id-token' | 'hang';

/** How the ID token is signed. */
export type SignMode = 'key' | 'other-key' | 'none' | 'hs256-public-key' | 'hs256-client-secret' | 'tampered';

/** The knobs a test turns; reset with `reset()` or `resetBehaviour()`. */
export interface Behaviour {
  token: TokenBehaviour;
  sign: SignMode;
  /** Claims merged over the correct ones (`undefined` deletes a claim). */
  claims: Record<string, unknown>;
  /** Header members merged over the correct ones. */
  header: Record<string, unknown>;
  /** `kid` of the signing key to use (one of `keys`). */
  signingKid: string;
  /** kids published in the JWKS. */
  publishedKids: string[];
  /** userinfo `sub` override. */
  userinfoSub: string | undefined;
  /** Claims merged over the correct userinfo answer (e.g. a very long `name`). */
  userinfoClaims: Record<string, unknown>;
  issParameterSupported: boolean;
  /** The issuer the discovery document claims (for the mismatch case). */
  discoveryIssuer: string | undefined;
  /** The jwks_uri the discovery document advertises (default: the double's own `/jwks`). */
  jwksUri: string | undefined;
  endSession: boolean;
  /** Discovery answers 503 (the provider is down at start). */
  discoveryDown: boolean;
}

/** One recorded request to the double. */
export interface RecordedRequest {
  method: string;
  path: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

interface PendingCode {
  nonce: string;
  codeChallenge: string;
  redirectUri: string;
  clientId: string;
}

/**
 * A misbehaving OpenID Provider (node:http + hand-made JWTs) that tests drive through every case of
 * docs/security.md A–D: bad signatures, `alg: none`, HS256 keyed with the public key, wrong claims, unknown `kid`s,
 * `crit`, a userinfo `sub` mismatch, token-endpoint failures and hangs, an issuer mismatch. It issues codes
 * like a real provider (PKCE S256 checked) so that the happy path works when no knob is turned.
 */
export class MisbehavingProvider {
  readonly clientId: string;
  readonly clientSecret: string;
  issuer = '';
  behaviour: Behaviour = MisbehavingProvider.defaults();
  readonly requests: RecordedRequest[] = [];
  /** Every token answer given (ID, access and refresh tokens), for tests that look for them where they must not be. */
  readonly issued: Record<string, unknown>[] = [];
  readonly keys = new Map<string, { privateKey: KeyObject; publicKey: KeyObject }>();
  readonly #codes = new Map<string, PendingCode>();
  readonly #server: Server;
  readonly #hanging = new Set<ServerResponse>();

  private constructor(clientId: string, clientSecret: string) {
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    for (const kid of ['key-1', 'key-2', 'other'])
      this.keys.set(kid, generateKeyPairSync('rsa', { modulusLength: 2048 }));
    this.#server = createServer((request, response) => {
      this.#handle(request, response).catch(() => {
        response.statusCode = 500;
        response.end();
      });
    });
  }

  static defaults(): Behaviour {
    return {
      token: 'ok',
      sign: 'key',
      claims: {},
      header: {},
      signingKid: 'key-1',
      publishedKids: ['key-1'],
      userinfoSub: undefined,
      userinfoClaims: {},
      issParameterSupported: true,
      discoveryIssuer: undefined,
      jwksUri: undefined,
      endSession: true,
      discoveryDown: false,
    };
  }

  /** Starts the double on 127.0.0.1 with a random port. */
  static async start(
    clientId = 'gatehouse-api',
    clientSecret = 'test-client-secret-value',
  ): Promise<MisbehavingProvider> {
    const provider = new MisbehavingProvider(clientId, clientSecret);
    await new Promise<void>((resolve) => provider.#server.listen(0, '127.0.0.1', resolve));
    provider.issuer = `http://127.0.0.1:${(provider.#server.address() as AddressInfo).port}`;
    return provider;
  }

  /** Back to correct behaviour and an empty request log (between tests). */
  reset(): void {
    this.resetBehaviour();
    this.requests.length = 0;
  }

  /** Back to correct behaviour, keeping the request log (within a test, to count calls across a replay). */
  resetBehaviour(): void {
    this.behaviour = MisbehavingProvider.defaults();
  }

  /** Requests to one path. */
  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  /**
   * Plays the user's sign-in: reads the authorization request the API built and returns the callback query the
   * provider would redirect to (`?code&state&iss`).
   */
  authorize(loginUrl: string): URLSearchParams {
    const url = new URL(loginUrl);
    const params = url.searchParams;
    const code = randomBytes(16).toString('base64url');
    this.#codes.set(code, {
      nonce: params.get('nonce') ?? '',
      codeChallenge: params.get('code_challenge') ?? '',
      redirectUri: params.get('redirect_uri') ?? '',
      clientId: params.get('client_id') ?? '',
    });
    const back = new URLSearchParams({ code, state: params.get('state') ?? '' });
    back.set('iss', this.issuer);
    return back;
  }

  /** Signs a JWT with a key of the double (or deliberately wrongly, per `mode`). */
  sign(
    header: Record<string, unknown>,
    claims: Record<string, unknown>,
    mode: SignMode,
    kid: string,
  ): string {
    const fullHeader = { alg: 'RS256', typ: 'JWT', kid, ...header };
    if (mode === 'none') fullHeader.alg = 'none';
    if (mode === 'hs256-public-key' || mode === 'hs256-client-secret') fullHeader.alg = 'HS256';
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${encode(fullHeader)}.${encode(claims)}`;
    const pair = this.keys.get(mode === 'other-key' ? 'other' : kid) ?? this.keys.get('key-1');
    if (pair === undefined) throw new Error('no key');
    switch (mode) {
      case 'none':
        return `${input}.`;
      case 'hs256-public-key': {
        const pem = pair.publicKey.export({ format: 'pem', type: 'spki' });
        return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
      }
      case 'hs256-client-secret':
        return `${input}.${createHmac('sha256', this.clientSecret).update(input).digest('base64url')}`;
      default: {
        const signature = createSign('RSA-SHA256').update(input).sign(pair.privateKey).toString('base64url');
        if (mode === 'tampered') {
          const tampered = encode({ ...claims, sub: 'mallory' });
          return `${encode(fullHeader)}.${tampered}.${signature}`;
        }
        return `${input}.${signature}`;
      }
    }
  }

  /** The correct ID token claims for a code, before the test's overrides. */
  idTokenClaims(nonce: string, now = Math.floor(Date.now() / 1000)): Record<string, unknown> {
    return {
      iss: this.issuer,
      sub: 'user-1',
      aud: this.clientId,
      exp: now + 300,
      iat: now,
      nonce,
      sid: 'provider-session-1',
      email: 'user1@example.com',
      name: 'User One',
    };
  }

  async close(): Promise<void> {
    for (const response of this.#hanging) response.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? '/', this.issuer);
    const body = Buffer.concat(chunks).toString('utf8');
    this.requests.push({
      method: request.method ?? 'GET',
      path: url.pathname,
      url: request.url ?? '',
      headers: request.headers,
      body,
    });
    const json = (status: number, value: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(value));
    };
    const b = this.behaviour;
    switch (url.pathname) {
      case '/.well-known/openid-configuration': {
        if (b.discoveryDown) return json(503, { error: 'temporarily_unavailable' });
        const metadata: Record<string, unknown> = {
          issuer: b.discoveryIssuer ?? this.issuer,
          authorization_endpoint: `${this.issuer}/authorize`,
          token_endpoint: `${this.issuer}/token`,
          userinfo_endpoint: `${this.issuer}/userinfo`,
          jwks_uri: b.jwksUri ?? `${this.issuer}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: [
            'client_secret_basic',
            'client_secret_post',
            'private_key_jwt',
          ],
          authorization_response_iss_parameter_supported: b.issParameterSupported,
          backchannel_logout_supported: true,
          backchannel_logout_session_supported: true,
        };
        if (b.endSession) metadata.end_session_endpoint = `${this.issuer}/end-session`;
        return json(200, metadata);
      }
      case '/jwks': {
        const keys = b.publishedKids.map((kid) => {
          const pair = this.keys.get(kid);
          return { ...(pair?.publicKey.export({ format: 'jwk' }) ?? {}), kid, use: 'sig', alg: 'RS256' };
        });
        return json(200, { keys });
      }
      case '/token':
        return this.#token(body, response, json);
      case '/userinfo': {
        if (!/^Bearer at-/.test(request.headers.authorization ?? ''))
          return json(401, { error: 'invalid_token' });
        return json(200, {
          sub: b.userinfoSub ?? 'user-1',
          email: 'user1@example.com',
          email_verified: true,
          name: 'User One',
          ...b.userinfoClaims,
        });
      }
      default:
        return json(404, { error: 'not_found' });
    }
  }

  #token(body: string, response: ServerResponse, json: (status: number, value: unknown) => void): void {
    const b = this.behaviour;
    const params = new URLSearchParams(body);
    switch (b.token) {
      case 'hang':
        this.#hanging.add(response);
        return;
      case '5xx':
        response.writeHead(503, { 'content-type': 'text/plain' });
        response.end('upstream down');
        return;
      case 'non-json':
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<html>maintenance</html>');
        return;
      case 'error':
        json(400, { error: 'invalid_grant', error_description: 'grant expired' });
        return;
      default:
        break;
    }
    const pending = this.#codes.get(params.get('code') ?? '');
    this.#codes.delete(params.get('code') ?? '');
    const verifier = params.get('code_verifier') ?? '';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (
      pending === undefined ||
      challenge !== pending.codeChallenge ||
      params.get('redirect_uri') !== pending.redirectUri
    ) {
      json(400, { error: 'invalid_grant' });
      return;
    }
    const claims: Record<string, unknown> = { ...this.idTokenClaims(pending.nonce) };
    for (const [key, value] of Object.entries(b.claims)) {
      if (value === undefined) delete claims[key];
      else claims[key] = value;
    }
    const answer: Record<string, unknown> = {
      access_token: `at-${randomBytes(8).toString('hex')}`,
      token_type: 'Bearer',
      expires_in: 300,
      refresh_token: `rt-${randomBytes(8).toString('hex')}`,
    };
    if (b.token !== 'no-id-token') answer.id_token = this.sign(b.header, claims, b.sign, b.signingKid);
    this.issued.push(answer);
    json(200, answer);
  }
}
