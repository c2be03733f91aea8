import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the scripted provider received. */
export interface ScriptedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** Answers one request; the default handlers behave like a provider that knows the client and its redirect URIs. */
export type ScriptedHandler = (request: ScriptedRequest, response: ServerResponse) => void;

/**
 * An OpenID Provider whose every answer a test can script, on 127.0.0.1: the discovery document (`metadata`,
 * merged over a complete one), the `Date` header (`dateOffsetMs`, for a provider whose clock is off), and a
 * handler per path. By default it publishes an RS256 key, sends an authorization request back to its redirect
 * URI with `login_required` (a `prompt=none` request from a browser that is not signed in), and answers a token
 * request `invalid_grant` (the client authenticated; the code is unknown). For `gatehouse doctor`'s own
 * checks, where the embedded auth server cannot misbehave on demand.
 */
export class ScriptedProvider {
  issuer = '';
  /** Members merged over the default discovery document (`undefined` removes one). */
  metadata: Record<string, unknown> = {};
  /** Added to the real time in the `Date` header of every answer. */
  dateOffsetMs = 0;
  readonly requests: ScriptedRequest[] = [];
  readonly handlers = new Map<string, ScriptedHandler>();
  readonly #server: Server;
  readonly #publicJwk: Record<string, unknown>;

  private constructor() {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.#publicJwk = { ...publicKey.export({ format: 'jwk' }), kid: 'scripted-1', use: 'sig', alg: 'RS256' };
    this.#server = createServer((request, response) => {
      this.#handle(request, response).catch(() => {
        response.statusCode = 500;
        response.end();
      });
    });
  }

  /** Starts it on 127.0.0.1 with a port of the system's choosing. */
  static async start(): Promise<ScriptedProvider> {
    const provider = new ScriptedProvider();
    await new Promise<void>((resolve) => provider.#server.listen(0, '127.0.0.1', resolve));
    provider.issuer = `http://127.0.0.1:${(provider.#server.address() as AddressInfo).port}`;
    return provider;
  }

  /** The discovery document it serves now. */
  document(): Record<string, unknown> {
    const document: Record<string, unknown> = {
      issuer: this.issuer,
      authorization_endpoint: `${this.issuer}/authorize`,
      token_endpoint: `${this.issuer}/token`,
      userinfo_endpoint: `${this.issuer}/userinfo`,
      jwks_uri: `${this.issuer}/jwks`,
      end_session_endpoint: `${this.issuer}/logout`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256', 'ES256'],
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
    };
    for (const [name, value] of Object.entries(this.metadata)) {
      if (value === undefined) delete document[name];
      else document[name] = value;
    }
    return document;
  }

  /** Requests to one path. */
  requestsTo(path: string): ScriptedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const url = new URL(incoming.url ?? '/', this.issuer);
    const request: ScriptedRequest = {
      method: incoming.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: incoming.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    this.requests.push(request);
    response.setHeader('date', new Date(Date.now() + this.dateOffsetMs).toUTCString());
    const scripted = this.handlers.get(url.pathname);
    if (scripted !== undefined) {
      scripted(request, response);
      return;
    }
    switch (url.pathname) {
      case '/.well-known/openid-configuration':
        return json(response, 200, this.document());
      case '/jwks':
        return json(response, 200, { keys: [this.#publicJwk] });
      case '/authorize': {
        const back = new URL(request.query.get('redirect_uri') ?? '');
        back.searchParams.set('error', 'login_required');
        back.searchParams.set('state', request.query.get('state') ?? '');
        response.writeHead(302, { location: back.href });
        response.end();
        return;
      }
      case '/token':
        return json(response, 400, { error: 'invalid_grant', error_description: 'grant request is invalid' });
      default:
        return json(response, 404, { error: 'not_found' });
    }
  }
}

/** Writes a JSON answer. */
export function json(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(value));
}
