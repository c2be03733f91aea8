import { createHash, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { SoftAuthenticator } from '@gatehouse/auth-server/testing';
import { CookieJar } from './cookie-jar.js';
import { type HtmlButton, type HtmlForm, parseForms } from './html-form.js';
import { httpRequest } from './http-request.js';
import { totpCode } from './totp.js';

/**
 * A user's sign-in secrets; `totpSecret` (base32) when the user has a second factor; `passkey` when the user signs
 * in with a passkey alone ("Sign in with a passkey"), the password then unused.
 */
export interface Credentials {
  username: string;
  password: string;
  totpSecret?: string;
  passkey?: SoftAuthenticator;
}

/** The API's token answer (`/api/callback`, `/api/refresh`), per the HTTP contract. */
export interface ApiTokens {
  access_token: string;
  token_type: string;
  expires_in: number;
  user: { sub: string; email?: string; name?: string };
}

/** A completed sign-in: the API's tokens and where the time went. */
export interface SignInResult {
  tokens: ApiTokens;
  /** From `GET /api/login` to the `/api/callback` answer. */
  totalMs: number;
  /** `GET /api/login` alone: steps 1–2. */
  loginMs: number;
  /** The auth server's redirects and pages, password/TOTP POSTs included: steps 3–6. */
  authServerMs: number;
  /** `GET /api/callback` alone: steps 7–10 (token request, ID token validation, userinfo, API token). */
  callbackMs: number;
  /** Whether the auth server asked for the password (false when its session signed the user in silently). */
  askedForPassword: boolean;
  /** Whether the user signed in with a passkey (its software authenticator answered the sign-in page). */
  usedPasskey: boolean;
}

/** One answer as {@link GatehouseClient} received it, for an observer. */
export interface ObservedAnswer {
  method: 'GET' | 'POST';
  url: string;
  status: number;
  headers: IncomingHttpHeaders;
}

/** A sign-in that did not end at the SPA's callback with tokens; the message says where it stopped. */
export class SignInError extends Error {
  override name = 'SignInError';
}

interface Answer {
  url: string;
  status: number;
  location: string | undefined;
  contentType: string;
  text: string;
}

// Bounds the redirect/form loop: a sign-in is at most login → authorize → interaction → password → TOTP →
// consent → resume → callback, so 16 hops means something loops.
const MAX_HOPS = 16;

/**
 * One "browser" signing in to Gatehouse over plain HTTP, the way the SPA and a person would, without a browser:
 * `GET /api/login` (steps 1–2), the auth server's pages with their cookies (3–6: form POSTs answered 303,
 * redirects followed by hand), then `GET /api/callback` (7–10) with the API's login-transaction cookie. The
 * refresh cookie it receives stays in its jar, so `refresh()` rotates it like the SPA's silent refresh.
 * Each instance has one cookie jar: use one instance per concurrent sign-in.
 *
 * @example
 * const client = new GatehouseClient('http://localhost:3001');
 * const { tokens } = await client.signIn({ username: 'ada', password: 'correct horse' });
 * const again = await client.refresh();
 */
export class GatehouseClient {
  readonly jar: CookieJar;
  readonly #publicUrl: string;
  readonly #onAnswer: ((answer: ObservedAnswer) => void) | undefined;

  /**
   * `onAnswer` sees every answer (a cluster test reads which process served each step); `jar` starts the client
   * with cookies of its own (another client's, copied).
   */
  constructor(
    publicUrl: string,
    options: { onAnswer?: (answer: ObservedAnswer) => void; jar?: CookieJar } = {},
  ) {
    this.#publicUrl = publicUrl.replace(/\/$/, '');
    this.#onAnswer = options.onAnswer;
    this.jar = options.jar ?? new CookieJar();
  }

  /** Signs in through the full three-party flow; throws {@link SignInError} when any step fails. */
  async signIn(credentials: Credentials): Promise<SignInResult> {
    const started = performance.now();
    // What the SDK does in a tab: a login verifier it keeps, its SHA-256 with /api/login, the verifier itself
    // with /api/callback (the API binds an SPA login to the tab that started it).
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const login = await this.#send(`${this.#publicUrl}/api/login`, undefined, {
      'gatehouse-login-challenge': challenge,
    });
    if (login.status !== 200)
      throw new SignInError(`GET /api/login answered ${login.status}: ${excerpt(login)}`);
    const loginMs = performance.now() - started;
    const loginUrl = (JSON.parse(login.text) as { login_url?: unknown }).login_url;
    if (typeof loginUrl !== 'string') throw new SignInError('GET /api/login answered without login_url');

    const callbackPrefix = `${this.#publicUrl}/callback?`;
    let next: { url: string; form?: URLSearchParams } = { url: loginUrl };
    let askedForPassword = false;
    let usedPasskey = false;
    let sentCode = false;
    for (let hop = 0; hop < MAX_HOPS; hop += 1) {
      const answer = await this.#send(next.url, next.form);
      if (answer.location !== undefined) {
        const target = new URL(answer.location, answer.url).href;
        if (target.startsWith(callbackPrefix)) {
          return this.#callback(new URL(target).search, verifier, started, loginMs, {
            askedForPassword,
            usedPasskey,
          });
        }
        next = { url: target };
        continue;
      }
      if (answer.status !== 200 || !answer.contentType.includes('html')) {
        throw new SignInError(`${answer.url} answered ${answer.status}: ${excerpt(answer)}`);
      }
      const forms = parseForms(answer.text, answer.url);
      const codeForm = forms.find((form) => form.inputNames.includes('code'));
      const passwordForm = forms.find((form) => form.inputNames.includes('password'));
      const consentForm = forms.find((form) => form.buttons.some((button) => button.text === 'Allow'));
      const passkeyForm = forms.find((form) => form.passkey?.ceremony === 'authenticate');
      if (credentials.passkey && passkeyForm?.passkey && passwordForm) {
        if (usedPasskey)
          throw new SignInError(`${credentials.username}: passkey refused (${pageMessage(answer)})`);
        usedPasskey = true;
        const options = JSON.parse(passkeyForm.passkey.options) as Parameters<
          SoftAuthenticator['authenticate']
        >[0];
        const response = JSON.stringify(credentials.passkey.authenticate(options));
        next = { url: passkeyForm.action, form: submission(passkeyForm, undefined, { response }) };
      } else if (codeForm) {
        if (!credentials.totpSecret) throw new SignInError(`${credentials.username}: asked for a TOTP code`);
        if (sentCode)
          throw new SignInError(`${credentials.username}: TOTP code refused (${pageMessage(answer)})`);
        sentCode = true;
        const code = totpCode(credentials.totpSecret);
        next = { url: codeForm.action, form: submission(codeForm, pick(codeForm, 'Verify'), { code }) };
      } else if (passwordForm) {
        if (askedForPassword)
          throw new SignInError(`${credentials.username}: password refused (${pageMessage(answer)})`);
        askedForPassword = true;
        const fields = { username: credentials.username, password: credentials.password };
        next = {
          url: passwordForm.action,
          form: submission(passwordForm, pick(passwordForm, 'Sign in'), fields),
        };
      } else if (consentForm) {
        next = { url: consentForm.action, form: submission(consentForm, pick(consentForm, 'Allow'), {}) };
      } else {
        throw new SignInError(`${answer.url}: unexpected page: ${excerpt(answer)}`);
      }
    }
    throw new SignInError(`no callback after ${MAX_HOPS} hops`);
  }

  /**
   * Enrols a passkey of `authenticator` for the user on the auth server's `/account` page, as its owner would:
   * signs in there with the password (this client's jar keeps the auth server's session), then "Add a passkey".
   */
  async enrolPasskey(
    issuer: string,
    credentials: Credentials,
    authenticator: SoftAuthenticator,
  ): Promise<void> {
    let next: { url: string; form?: URLSearchParams } = { url: `${issuer}/account` };
    for (let hop = 0; hop < MAX_HOPS; hop += 1) {
      const answer = await this.#send(next.url, next.form);
      if (answer.location !== undefined) {
        const target = new URL(answer.location, answer.url).href;
        if (new URL(target).search.includes('done=passkey_added')) return;
        next = { url: target };
        continue;
      }
      const forms = parseForms(answer.text, answer.url);
      const register = forms.find((form) => form.passkey?.ceremony === 'register');
      const passwordForm = forms.find((form) => form.inputNames.includes('password'));
      if (register?.passkey) {
        const options = JSON.parse(register.passkey.options) as Parameters<SoftAuthenticator['register']>[0];
        const response = JSON.stringify(authenticator.register(options));
        next = {
          url: register.action,
          form: submission(register, undefined, { name: 'Bench key', response }),
        };
      } else if (passwordForm && !next.form) {
        const fields = { username: credentials.username, password: credentials.password };
        next = {
          url: passwordForm.action,
          form: submission(passwordForm, pick(passwordForm, 'Sign in'), fields),
        };
      } else {
        throw new SignInError(`${answer.url}: passkey not enrolled (${pageMessage(answer)})`);
      }
    }
    throw new SignInError(`no passkey enrolled after ${MAX_HOPS} hops`);
  }

  /** `POST /api/refresh` with the jar's refresh cookie, as the SPA sends it (same-origin, JSON `{}`). */
  async refresh(): Promise<ApiTokens> {
    const answer = await this.#send(`${this.#publicUrl}/api/refresh`, '{}');
    if (answer.status !== 200)
      throw new SignInError(`POST /api/refresh answered ${answer.status}: ${excerpt(answer)}`);
    return JSON.parse(answer.text) as ApiTokens;
  }

  /** `POST /api/logout` as the SPA sends it; the answer's status (200 once the session is ended). */
  async logout(): Promise<number> {
    return (await this.#send(`${this.#publicUrl}/api/logout`, '{}')).status;
  }

  /** `POST /api/refresh` without throwing: the status and the JSON error code, if any (a cluster test's view). */
  async tryRefresh(): Promise<{ status: number; error?: string; tokens?: ApiTokens }> {
    const answer = await this.#send(`${this.#publicUrl}/api/refresh`, '{}');
    if (answer.status === 200) return { status: 200, tokens: JSON.parse(answer.text) as ApiTokens };
    let error: string | undefined;
    try {
      error = (JSON.parse(answer.text) as { error?: string }).error;
    } catch {
      error = undefined;
    }
    return { status: answer.status, ...(error === undefined ? {} : { error }) };
  }

  async #callback(
    search: string,
    verifier: string,
    started: number,
    loginMs: number,
    asked: { askedForPassword: boolean; usedPasskey: boolean },
  ): Promise<SignInResult> {
    const callbackStarted = performance.now();
    const answer = await this.#send(`${this.#publicUrl}/api/callback${search}`, undefined, {
      'gatehouse-login-verifier': verifier,
    });
    const finished = performance.now();
    if (answer.status !== 200)
      throw new SignInError(`GET /api/callback answered ${answer.status}: ${excerpt(answer)}`);
    return {
      tokens: JSON.parse(answer.text) as ApiTokens,
      totalMs: finished - started,
      loginMs,
      authServerMs: callbackStarted - started - loginMs,
      callbackMs: finished - callbackStarted,
      ...asked,
    };
  }

  // One request, no automatic redirects (the client follows them itself so every cookie lands in the jar).
  // A string body is JSON, a URLSearchParams body is a form post; POSTs carry Origin like a browser's do.
  async #send(
    url: string,
    body?: URLSearchParams | string,
    extra: Record<string, string> = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...extra, accept: 'application/json, text/html' };
    const cookie = this.jar.header(url);
    if (cookie !== undefined) headers.cookie = cookie;
    if (body !== undefined) {
      headers.origin = new URL(url).origin;
      headers['content-type'] =
        typeof body === 'string' ? 'application/json' : 'application/x-www-form-urlencoded';
    }
    const method = body === undefined ? 'GET' : 'POST';
    const answer = await httpRequest(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body: body.toString() }),
      timeoutMs: 15_000,
    });
    this.#onAnswer?.({ method, url, status: answer.status, headers: answer.headers });
    this.jar.store(url, answer.setCookies);
    const redirect = answer.status >= 300 && answer.status < 400;
    return {
      url,
      status: answer.status,
      location: redirect ? answer.location : undefined,
      contentType: answer.contentType,
      text: answer.text,
    };
  }
}

function pick(form: HtmlForm, text: string): HtmlButton | undefined {
  return form.buttons.find((button) => button.text === text) ?? form.buttons[0];
}

function submission(
  form: HtmlForm,
  button: HtmlButton | undefined,
  fields: Record<string, string>,
): URLSearchParams {
  const data = new URLSearchParams(form.hidden);
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  if (button?.name !== undefined) data.set(button.name, button.value);
  return data;
}

// The page's own explanation (the auth server renders it in a role="alert" element), else a generic note.
function pageMessage(answer: Answer): string {
  const alert = /<[^>]*role="alert"[^>]*>([\s\S]*?)<\//.exec(answer.text)?.[1];
  return alert?.replace(/\s+/g, ' ').trim() || 'form shown again, no message';
}

function excerpt(answer: Answer): string {
  return answer.text.replace(/\s+/g, ' ').slice(0, 200);
}
