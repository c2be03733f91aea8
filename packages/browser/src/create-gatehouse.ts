import { API_ROUTES, type FlowStep, LOGIN_TRANSACTION_ERRORS, type User } from '@gatehouse/contract';
import { safeReturnTo } from './callback/safe-return-to.js';
import { takeCallbackParams } from './callback/take-callback-params.js';
import { saveFlowTrail, takeFlowTrail } from './flow/flow-trail.js';
import { spaFlowSteps } from './flow/spa-flow-steps.js';
import type { CallbackResult, Gatehouse, LoginOptions } from './gatehouse.js';
import { GatehouseError, type GatehouseErrorDetails } from './gatehouse-error.js';
import { type ApiAnswer, createApiClient, errorFromAnswer } from './http/api-client.js';
import { parseFlow, parseTokenAnswer } from './http/parse-answers.js';
import { loginChallengeHeaders, takeLoginVerifierHeaders } from './login/login-verifier.js';
import type { GatehouseOptions } from './options.js';
import { rememberLogout, takeLogout } from './session/logout-notice.js';
import { createRefreshCoordinator } from './session/refresh-coordinator.js';
import { resolveEnvironment } from './session/resolve-environment.js';
import { type Session, SessionStore } from './session/session-store.js';
import { parseTabMessage, type TabMessage } from './session/tab-messages.js';

const OAUTH_ERROR = /^[a-z_]{1,64}$/;
const STATE_ERRORS: ReadonlySet<string> = new Set(LOGIN_TRANSACTION_ERRORS);

function httpUrl(value: unknown): URL | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value);
    // Never navigate to `javascript:` or `data:` even if the API were compromised.
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
}

/**
 * Creates the SDK for one tab.
 *
 * @example
 * ```ts
 * const gatehouse = createGatehouse();
 * if (location.pathname === '/callback') {
 *   const { returnTo } = await gatehouse.handleCallback();
 *   history.replaceState(null, '', returnTo);
 * } else {
 *   await gatehouse.restore();
 * }
 * const response = await gatehouse.fetch('/api/contacts');
 * ```
 */
export function createGatehouse(options: GatehouseOptions = {}): Gatehouse {
  const env = resolveEnvironment(options);
  const { location, history, storage, channel, timers, now } = env;
  const apiBase = (): string => {
    const href = new URL(options.apiBase ?? '/', location.href).href;
    return href.endsWith('/') ? href : `${href}/`;
  };
  const api = createApiClient(apiBase, env.fetch);
  const store = new SessionStore();
  const leewayMs = (options.refreshLeewaySeconds ?? 30) * 1000;
  let timer: unknown;

  const broadcast = (message: TabMessage): void => {
    try {
      channel?.postMessage(message);
    } catch {
      // A closed channel only loses cross-tab sharing.
    }
  };

  const adopt = (accessToken: string, expiresAt: number, refreshAt: number, user: User): Session => {
    const session = store.set(accessToken, expiresAt, refreshAt, user);
    schedule(session);
    return session;
  };

  const accept = (accessToken: string, expiresIn: number, user: User): Session => {
    const lifetime = expiresIn * 1000;
    const expiresAt = now() + lifetime;
    const refreshAt = expiresAt - Math.min(leewayMs, lifetime / 2);
    const session = adopt(accessToken, expiresAt, refreshAt, user);
    broadcast({ type: 'session', accessToken, expiresAt, refreshAt, user });
    return session;
  };

  const coordinator = createRefreshCoordinator({ api, store, locks: env.locks, now, accept });

  function schedule(session: Session): void {
    if (timer !== undefined) timers.clear(timer);
    // Tabs share the same expiry; a little jitter lets one go first and the others reuse its broadcast token.
    const jitter = Math.random() * Math.min(2000, (session.expiresAt - session.refreshAt) / 4);
    timer = timers.set(
      () => {
        timer = undefined;
        coordinator.refresh().catch(() => {
          // A failed background refresh is retried by the next getAccessToken() or fetch().
        });
      },
      Math.max(0, session.refreshAt - jitter - now()),
    );
  }

  function signOutHere(): void {
    if (timer !== undefined) timers.clear(timer);
    timer = undefined;
    store.clear();
  }

  const onMessage = (event: MessageEvent): void => {
    const message = parseTabMessage(event.data);
    if (!message) return;
    if (message.type === 'signed-out') {
      signOutHere();
      return;
    }
    const current = store.session;
    if (current && current.expiresAt > message.expiresAt) return;
    if (current?.accessToken === message.accessToken) return;
    adopt(message.accessToken, message.expiresAt, message.refreshAt, message.user);
  };
  channel?.addEventListener('message', onMessage);

  async function getAccessToken(): Promise<string> {
    const current = store.session;
    if (current && now() < current.refreshAt) return current.accessToken;
    const session = await coordinator.refresh();
    if (session) return session.accessToken;
    throw current
      ? new GatehouseError('session_expired', 'Your session has ended. Please sign in again.')
      : new GatehouseError('not_authenticated', 'You are not signed in.');
  }

  function resolveInput(input: RequestInfo | URL): Request | URL {
    return input instanceof Request ? input : new URL(String(input), apiBase());
  }

  async function send(template: Request, token: string): Promise<Response> {
    const request = template.clone();
    request.headers.set('authorization', `Bearer ${token}`);
    try {
      return await env.fetch(request);
    } catch (cause) {
      throw new GatehouseError('network_error', 'The server could not be reached. Check your connection.', {
        cause,
      });
    }
  }

  async function authorizedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const template = new Request(resolveInput(input), { credentials: 'same-origin', ...init });
    // The bearer goes to the API only; a token sent elsewhere could be replayed (RFC 6750 5.3).
    const apiOrigin = new URL(apiBase()).origin;
    if (new URL(template.url).origin !== apiOrigin) {
      throw new GatehouseError('foreign_origin', `Gatehouse sends its token to ${apiOrigin} only.`);
    }
    const token = await getAccessToken();
    const first = await send(template, token);
    if (first.status !== 401) return first;
    await first.body?.cancel();
    const current = store.session;
    // Another caller may already have refreshed while this request was out: use its token, refresh no more.
    const session =
      current && current.accessToken !== token && now() < current.refreshAt
        ? current
        : await coordinator.refresh();
    if (!session)
      throw new GatehouseError('session_expired', 'Your session has ended. Please sign in again.');
    return send(template, session.accessToken);
  }

  async function login({ returnTo }: LoginOptions = {}): Promise<void> {
    const loginStartedAt = now();
    // docs/security.md 51: the login is bound to this tab too, not only to the transaction cookie.
    const headers = await loginChallengeHeaders(storage);
    const answer = await api({
      method: 'GET',
      path: API_ROUTES.login,
      query: { return_to: returnTo === undefined ? undefined : safeReturnTo(returnTo) },
      headers,
    });
    const body = answer.body as { login_url?: unknown; flow?: unknown } | null;
    const loginUrl = answer.status === 200 ? httpUrl(body?.login_url) : null;
    if (!loginUrl) {
      // 503: the provider does not answer (down, or restarting); a person can only wait, so say that.
      const message =
        answer.status === 503
          ? 'The sign-in service is not answering right now; please retry shortly.'
          : 'The sign-in could not be started.';
      throw errorFromAnswer('login_failed', message, answer);
    }
    const loginAnsweredAt = now();
    const apiSteps = parseFlow(body?.flow);
    // Only when the API has the inspector on; timestamps and redacted steps, never a token or the full URL.
    if (apiSteps !== undefined) {
      saveFlowTrail(storage, {
        loginStartedAt,
        loginAnsweredAt,
        navigatedAt: now(),
        authorizeEndpoint: `${loginUrl.origin}${loginUrl.pathname}`,
        apiSteps: apiSteps.filter((step) => step.step <= 2),
      });
    }
    location.assign(loginUrl.href);
  }

  async function handleCallback(): Promise<CallbackResult> {
    const callbackAt = now();
    const params = takeCallbackParams(location.href, history);
    const trail = takeFlowTrail(storage);
    const headers = takeLoginVerifierHeaders(storage);
    if (params.error !== undefined) {
      const serverError = OAUTH_ERROR.test(params.error) ? params.error : 'invalid_request';
      // Let the API spend the login transaction (docs/security.md A.4); its answer changes nothing here. `iss` goes
      // along: RFC 9207 2.4 has the API check it on error responses too.
      const refused = await api({
        method: 'GET',
        path: API_ROUTES.callback,
        query: { error: serverError, state: params.state, iss: params.iss },
        headers,
      }).catch(() => undefined);
      const message =
        serverError === 'access_denied'
          ? 'The sign-in was cancelled or refused.'
          : `The auth server could not sign you in (${serverError}).`;
      const told = refused === undefined ? undefined : errorFromAnswer('callback_failed', message, refused);
      throw new GatehouseError('callback_failed', message, {
        serverError,
        ...failureSteps(told, { trail, callbackAt, issuer: params.iss, error: serverError }),
      });
    }
    if (params.code === undefined) {
      throw new GatehouseError(
        'callback_failed',
        'This page was opened without a sign-in response. Please sign in.',
      );
    }
    if (params.state === undefined) {
      throw new GatehouseError(
        'state_mismatch',
        'The sign-in response was incomplete. Please sign in again.',
      );
    }
    const answer = await api({
      method: 'GET',
      path: API_ROUTES.callback,
      query: { code: params.code, state: params.state, iss: params.iss },
      headers,
    });
    const parsed = answer.status === 200 ? parseTokenAnswer(answer.body) : null;
    if (!parsed) {
      const body = answer.body as { error?: unknown } | null;
      const stateError = typeof body?.error === 'string' && STATE_ERRORS.has(body.error);
      const refused = stateError
        ? errorFromAnswer(
            'state_mismatch',
            'This sign-in link was already used, expired, or started in another browser. Please sign in again.',
            answer,
          )
        : errorFromAnswer('callback_failed', 'The sign-in could not be completed.', answer);
      const steps = failureSteps(refused, { trail, callbackAt, issuer: params.iss, error: undefined });
      throw steps.flow === undefined
        ? refused
        : new GatehouseError(refused.code, refused.message, {
            ...(refused.status === undefined ? {} : { status: refused.status }),
            ...(refused.serverError === undefined ? {} : { serverError: refused.serverError }),
            ...(refused.description === undefined ? {} : { description: refused.description }),
            ...(refused.failedCheck === undefined ? {} : { failedCheck: refused.failedCheck }),
            ...(refused.failureDetail === undefined ? {} : { failureDetail: refused.failureDetail }),
            flow: steps.flow,
          });
    }
    accept(parsed.accessToken, parsed.expiresIn, parsed.user);
    let flow: FlowStep[] | undefined;
    if (parsed.flow !== undefined) {
      const spa = spaFlowSteps({ trail, callbackAt, issuer: params.iss, error: undefined });
      flow = [...(trail?.apiSteps ?? []), ...spa, ...parsed.flow].sort(
        (a, b) => a.step - b.step || a.started_at - b.started_at,
      );
    }
    return { user: parsed.user, returnTo: safeReturnTo(parsed.returnTo), flow };
  }

  function signOutEverywhere(): void {
    signOutHere();
    broadcast({ type: 'signed-out' });
  }

  async function logout(): Promise<void> {
    let answer: ApiAnswer;
    try {
      // Under the refresh lock: the logout sends the current cookie, never one a refresh is rotating.
      answer = await coordinator.exclusive(() =>
        api({ method: 'POST', path: API_ROUTES.logout, bearer: store.session?.accessToken }),
      );
    } catch (cause) {
      signOutEverywhere();
      throw new GatehouseError('logout_failed', 'Signed out here, but the server could not be reached.', {
        cause,
      });
    }
    // Whatever the API said, this tab and every other one stop using the session now.
    signOutEverywhere();
    const body = answer.body as { logout_url?: unknown } | null;
    const logoutUrl = answer.status === 200 ? httpUrl(body?.logout_url) : null;
    if (!logoutUrl)
      throw errorFromAnswer('logout_failed', 'Signed out here, but the server refused the logout.', answer);
    // The page reloads when the provider sends the browser back: remember, for takeLoggedOut().
    rememberLogout(storage, now());
    location.assign(logoutUrl.href);
  }

  async function restore(): Promise<User | null> {
    if (store.session) return store.session.user;
    const session = await coordinator.refresh();
    return session?.user ?? null;
  }

  return {
    get user() {
      return store.session?.user ?? null;
    },
    login,
    handleCallback,
    getAccessToken,
    fetch: authorizedFetch,
    logout,
    restore,
    takeLoggedOut: () => takeLogout(storage, now()),
    onChange: (listener) => store.subscribe(listener),
    close() {
      if (timer !== undefined) timers.clear(timer);
      timer = undefined;
      channel?.removeEventListener('message', onMessage);
      if (env.ownsChannel) channel?.close();
    },
  };
}

/**
 * The whole flow of a refused sign-in for the inspector: the API's steps 1-2 kept from before the navigation,
 * the SDK's own 3-6, and the API's steps up to the refusal; only when the API sent its steps (inspector on).
 */
function failureSteps(
  refused: GatehouseError | undefined,
  facts: Parameters<typeof spaFlowSteps>[0],
): Pick<GatehouseErrorDetails, 'flow' | 'failedCheck' | 'failureDetail'> {
  if (refused?.flow === undefined) return {};
  const flow = [...(facts.trail?.apiSteps ?? []), ...spaFlowSteps(facts), ...refused.flow].sort(
    (a, b) => a.step - b.step || a.started_at - b.started_at,
  );
  return {
    flow,
    ...(refused.failedCheck === undefined ? {} : { failedCheck: refused.failedCheck }),
    ...(refused.failureDetail === undefined ? {} : { failureDetail: refused.failureDetail }),
  };
}
