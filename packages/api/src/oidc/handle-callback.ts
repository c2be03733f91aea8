import type {} from '@fastify/cookie';
import { LOGIN_VERIFIER_HEADER } from '@gatehouse/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api-error.js';
import { FlowRecorder, maskUrls } from '../flow/flow-recorder.js';
import { callerAddress } from '../http/caller-address.js';
import { REFRESH_COOKIE, REFRESH_COOKIE_PATH } from '../http/cookie-names.js';
import type { LoginResult } from '../metrics/api-metrics.js';
import type { ApiContext } from '../server/api-context.js';
import { openSession } from '../sessions/refresh-sessions.js';
import type { StoredUser } from '../store/api-store.js';
import { mintSessionAccessToken } from '../tokens/mint-access-token.js';
import type { CallbackState } from './callback-checks/callback-state.js';
import { runCallbackPipeline } from './callback-checks/index.js';
import { grantedScope } from './granted-scope.js';
import { loginScope } from './login-scope.js';
import { clearTransactionCookie } from './transaction-cookie.js';

/** A completed login: the API's own token for the SPA, never the provider's. */
export interface CompletedLogin {
  accessToken: string;
  expiresIn: number;
  user: StoredUser;
  returnTo: string;
  recorder: FlowRecorder;
  /** The API session opened (its id: what the audit log and `sid` name it by). */
  sessionId: string;
}

/**
 * Steps 7–10 for both flows: runs the validation pipeline, then opens a session and mints the API's token.
 * Whatever happens the spent transaction's cookie is cleared; on failure nothing is minted and no session
 * cookie is set (the error propagates to the error handler).
 */
export async function handleCallback(
  ctx: ApiContext,
  request: FastifyRequest,
  reply: FastifyReply,
  flow: 'spa' | 'simple',
): Promise<CompletedLogin> {
  const outcome: CallbackOutcome = { failedCheck: undefined };
  const address = ctx.audit.enabled ? callerAddress(ctx.config.trustProxy, request) : undefined;
  const client = ctx.config.oidcClientId;
  try {
    const done = await completeCallback(ctx, request, reply, flow, outcome);
    ctx.metrics.login(flow, 'success');
    ctx.audit.write({
      event: 'login.succeeded',
      outcome: 'success',
      user: done.user.sub,
      client,
      session: done.sessionId,
      address,
      flow,
    });
    return done;
  } catch (error) {
    const result = loginFailure(error, outcome);
    // The flow inspector shows failures too: the steps so far, the check that refused, what it found.
    if (ctx.config.flowInspector && error instanceof ApiError && outcome.recorder !== undefined) {
      error.inspection = {
        flow: outcome.recorder.steps,
        failedCheck: outcome.failedCheck,
        detail: error.detail === undefined ? undefined : maskUrls(error.detail),
      };
    }
    ctx.metrics.login(flow, result);
    ctx.audit.write({
      event: 'login.failed',
      outcome: 'failure',
      client,
      address,
      flow,
      check: result,
      reason: error instanceof ApiError ? error.code : 'internal_error',
    });
    throw error;
  }
}

/** What a callback's caller learns of a refusal: the check that refused, if one did. */
interface CallbackOutcome {
  failedCheck: string | undefined;
  /** The steps recorded so far, once the recorder exists. */
  recorder?: FlowRecorder;
}

/** The result a refused sign-in is counted under: the check that refused, else where it failed. */
function loginFailure(error: unknown, outcome: CallbackOutcome): LoginResult {
  if (outcome.failedCheck !== undefined) return outcome.failedCheck;
  if (error instanceof ApiError && error.code === 'provider_unavailable') return 'provider_unavailable';
  return 'error';
}

async function completeCallback(
  ctx: ApiContext,
  request: FastifyRequest,
  reply: FastifyReply,
  flow: 'spa' | 'simple',
  outcome: CallbackOutcome,
): Promise<CompletedLogin> {
  // While discovery has not succeeded, refuse before spending the transaction: the user can simply retry.
  if (!ctx.provider.ready) throw new ApiError('provider_unavailable');
  const queryAt = request.url.indexOf('?');
  const params = new URLSearchParams(queryAt === -1 ? '' : request.url.slice(queryAt + 1));
  const recorder = new FlowRecorder(ctx.now, ctx.config.flowInspector, ctx.tracing);
  outcome.recorder = recorder;
  const verifier = request.headers[LOGIN_VERIFIER_HEADER];
  const state: CallbackState = {
    ctx,
    flow,
    params,
    cookies: request.cookies,
    // Node joins a repeated header with commas, which the check's pattern refuses.
    loginVerifier: typeof verifier === 'string' ? verifier : undefined,
    recorder,
    clearCookies: [],
  };
  try {
    await runCallbackPipeline(state);
  } finally {
    outcome.failedCheck = state.failedCheck;
    for (const name of state.clearCookies) clearTransactionCookie(reply, name);
  }
  // Past the checks, a failure is the session's (the store): counted apart from the provider's refusals.
  outcome.failedCheck = 'open_session';
  const user = state.user;
  const tx = state.transaction;
  if (user === undefined || tx === undefined) throw new Error('callback pipeline ended without a user');
  const providerSid = typeof state.claims?.sid === 'string' ? state.claims.sid : undefined;
  const asked = loginScope(ctx.config, ctx.provider.provider.config.serverMetadata().scopes_supported);
  const scope = grantedScope(state.tokens?.scope, asked);
  const { accessToken, expiresIn, refreshToken, sessionId } = await recorder.run(
    { step: 10, from: 'api', to: 'spa', label: 'API token minted; refresh session opened' },
    () =>
      `at+jwt ${ctx.keys.signing.alg} kid=${ctx.keys.signing.kid}, expires in ${ctx.config.accessTokenTtl} s; refresh cookie ${REFRESH_COOKIE} HttpOnly SameSite=Strict`,
    async () => {
      const issued = await openSession(
        ctx,
        user,
        { sid: providerSid, idToken: state.idToken, scope, tokens: state.tokens },
        {
          address: ctx.config.trustProxy.clientAddress(
            request.socket.remoteAddress,
            request.headers['x-forwarded-for'],
          ),
          userAgent: request.headers['user-agent'],
        },
      );
      const minted = await mintSessionAccessToken(ctx, user, issued.session);
      return {
        accessToken: minted.token,
        expiresIn: minted.expiresIn,
        refreshToken: issued.refreshToken,
        sessionId: issued.session.id,
      };
    },
  );
  setRefreshCookie(ctx, reply, refreshToken);
  return { accessToken, expiresIn, user, returnTo: tx.returnTo, recorder, sessionId };
}

/** Sets the refresh cookie: `__Host-`, HttpOnly, Secure, SameSite=Strict, Path=/, for the absolute session lifetime. */
export function setRefreshCookie(ctx: ApiContext, reply: FastifyReply, refreshToken: string): void {
  reply.setCookie(REFRESH_COOKIE, refreshToken, {
    httpOnly: true,
    secure: true,
    sameSite: 'strict',
    path: REFRESH_COOKIE_PATH,
    maxAge: ctx.config.refreshAbsoluteTtl,
  });
}

/** Clears the refresh cookie with the attributes it was set with (else a browser ignores a prefixed cookie's clear). */
export function clearRefreshCookie(reply: FastifyReply): void {
  reply.clearCookie(REFRESH_COOKIE, {
    path: REFRESH_COOKIE_PATH,
    secure: true,
    httpOnly: true,
    sameSite: 'strict',
  });
}
