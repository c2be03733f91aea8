import { createHash, createHmac, randomBytes } from 'node:crypto';
import { timingSafeEqual } from '@gatehouse/common';
import type { Context, Next } from 'koa';
import { AuthServerError } from '../errors/auth-server-error.js';
import { isCrossSite } from '../http/is-cross-site.js';
import { FormBodyError, readFormBody } from '../http/read-form-body.js';
import type { InteractionDeps } from '../interactions/interaction-deps.js';
import { ACCOUNT_CALLBACK_PATH, ACCOUNT_CLIENT_ID } from '../oidc/account-client.js';
import {
  accountPage,
  recoveryCodesPage,
  signedOutAfterChangePage,
  totpSetupPage,
} from '../pages/account-page.js';
import { errorPage } from '../pages/error-page.js';
import { createRecoveryCodes } from '../recovery/recovery-codes.js';
import { generateTotpSecret, matchTotpStep, totpUri } from '../totp/totp.js';
import { assertPasswordAcceptable, setUserPassword, setUserTotpSecret } from '../users/user-admin.js';
import {
  CHALLENGE_SECONDS,
  registrationOptions,
  verifyRegistration,
} from '../webauthn/passkey-ceremonies.js';
import { readRegistrationJson } from '../webauthn/read-credential-json.js';
import {
  type AccountSession,
  accountChallengeKey,
  csrfTokenMatches,
  isRecent,
  readAccountSession,
} from './account-session.js';

/** Server keys of `/account`: its form tokens, and the proof that a TOTP secret being confirmed is one it made. */
export interface AccountKeys {
  readonly csrf: string;
  readonly totpProof: string;
}

const MESSAGES: Readonly<Record<string, string>> = {
  passkey_added: 'Passkey added.',
  passkey_renamed: 'Passkey renamed.',
  passkey_removed: 'Passkey removed: it no longer signs you in.',
};
const ERRORS: Readonly<Record<string, string>> = {
  current_password: 'The current password is not right.',
  mismatch: 'The two new passwords are not the same.',
  new_password: 'The new password must be 8 to 1024 characters long.',
  throttled: 'Too many attempts. Wait a moment, then try again.',
  passkey: 'The passkey could not be added. Try again.',
  passkey_name: 'A passkey name is 1 to 64 characters.',
  no_passkey: 'There is no such passkey on your account.',
};
const DONE: Readonly<Record<string, { title: string; message: string }>> = {
  password: {
    title: 'Password changed',
    message:
      'Your password is changed, and you are signed out everywhere: here, and in every application. Sign in again with the new password.',
  },
  totp_on: {
    title: 'Authenticator app turned on',
    message:
      'Sign-in now asks for a code from your authenticator app. You are signed out everywhere: sign in again with your password and a code.',
  },
  totp_off: {
    title: 'Authenticator app turned off',
    message: 'Sign-in no longer asks for a code from your authenticator app. You are signed out everywhere.',
  },
};

/** A passkey's name: 1–64 characters, printable (no control characters: it is shown on pages and in the CLI). */
const NAME = /^[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}]{1,64}$/u;

/**
 * Koa middleware for `/account` (docs/security.md 45): where a person sees and changes how they sign in. Signing
 * in there is the usual sign-in (password, second factor or a passkey) for the auth server's own client; the
 * page then reads the auth server's session. Every change needs a sign-in of the last five minutes and is a POST
 * that must come from our own page: Fetch Metadata (a post a browser labels `cross-site` or `same-site` is
 * refused) and a form token bound to the session (HMAC with a server key). A new password or authenticator app
 * ends every session of the account, here and at every client (back-channel logout), as `gatehouse users passwd`
 * does.
 */
export function accountRoutes(deps: InteractionDeps, keys: AccountKeys, issuer: string) {
  const read = (ctx: Context) => readAccountSession(ctx, deps, keys.csrf);

  const get: Record<string, (ctx: Context) => Promise<void>> = {
    '/account': async (ctx) => {
      const session = await read(ctx);
      if (!session) return seeOther(ctx, '/account/sign-in');
      const { user } = session;
      const passkeys = await deps.store.authenticators.listPasskeys(user.id);
      let changes: { csrfToken: string; registration: Record<string, unknown> } | undefined;
      if (isRecent(session, deps.nowMs())) {
        const options = await registrationOptions(deps.relyingParty(), user, passkeys);
        const expiresAt = Math.floor(deps.nowMs() / 1000) + CHALLENGE_SECONDS;
        await deps.store.challenges.put(accountChallengeKey(session), options.challenge, expiresAt);
        changes = { csrfToken: session.csrfToken, registration: { ...options } };
      }
      html(
        ctx,
        200,
        accountPage({
          user,
          summary: await deps.store.authenticators.summary(user.id),
          passkeys,
          ...(changes ? { changes } : {}),
          message: pick(MESSAGES, ctx.query.done),
          error: pick(ERRORS, ctx.query.error),
        }),
      );
    },
    '/account/sign-in': async (ctx) => {
      const query = new URLSearchParams({
        client_id: ACCOUNT_CLIENT_ID,
        response_type: 'code',
        scope: 'openid',
        redirect_uri: `${issuer}${ACCOUNT_CALLBACK_PATH}`,
        state: randomBytes(16).toString('base64url'),
        // PKCE is required of every client; this code is never redeemed (the callback destroys it).
        code_challenge: createHash('sha256').update(randomBytes(32)).digest('base64url'),
        code_challenge_method: 'S256',
      });
      if (ctx.query.again === '1') query.set('prompt', 'login');
      seeOther(ctx, `/auth?${query.toString()}`);
    },
    [ACCOUNT_CALLBACK_PATH]: async (ctx) => {
      const code = typeof ctx.query.code === 'string' ? ctx.query.code : undefined;
      if (code) {
        // The sign-in's result is the session; the code is worth nothing to anyone: it goes at once.
        const found = await deps.provider().AuthorizationCode.find(code);
        if (found?.clientId === ACCOUNT_CLIENT_ID) await found.destroy();
        return seeOther(ctx, '/account');
      }
      const error = typeof ctx.query.error === 'string' ? ctx.query.error : 'invalid_request';
      html(
        ctx,
        400,
        errorPage({ error, back: { href: '/account/sign-in', label: 'Sign in to your account' } }),
      );
    },
    '/account/done': async (ctx) => {
      const done =
        typeof ctx.query.what === 'string' && Object.hasOwn(DONE, ctx.query.what)
          ? DONE[ctx.query.what]
          : undefined;
      if (!done) return seeOther(ctx, '/account');
      html(ctx, 200, signedOutAfterChangePage(done));
    },
    '/account/totp': async (ctx) => {
      const session = await read(ctx);
      if (!session) return seeOther(ctx, '/account/sign-in');
      if (!isRecent(session, deps.nowMs())) return reauthenticate(ctx);
      const secret = generateTotpSecret();
      html(ctx, 200, await totpSetup(session, secret));
    },
  };

  /** The setup page for `secret`, with the proof that this server made it for this session. */
  async function totpSetup(session: AccountSession, secret: string, error?: string) {
    const QRCode = await import('qrcode');
    const uri = totpUri(secret, session.user.username, 'Gatehouse');
    const qrSvg = await QRCode.toString(uri, { type: 'svg', margin: 1 });
    return totpSetupPage({
      qrSvg,
      secret,
      proof: totpProof(session, secret),
      csrfToken: session.csrfToken,
      error,
    });
  }

  function totpProof(session: AccountSession, secret: string): string {
    return createHmac('sha256', keys.totpProof).update(`${session.id}:${secret}`).digest('base64url');
  }

  const post: Record<
    string,
    (ctx: Context, session: AccountSession, form: Record<string, string>) => Promise<void>
  > = {
    '/account/password': async (ctx, session, form) => {
      const { user } = session;
      const now = Math.floor(deps.nowMs() / 1000);
      // Whoever holds a session could guess the password here: the sign-in's throttles apply.
      const decision = await deps.throttle.reserve(user.username, ctx.ip, now);
      if (!decision.allowed) return seeOther(ctx, '/account?error=throttled');
      try {
        const current = form.current ?? '';
        if (current.length > 1024 || !(await deps.verifyPassword(user, current))) {
          await deps.throttle.recordFailure(user.username, ctx.ip, now);
          return seeOther(ctx, '/account?error=current_password');
        }
      } finally {
        await deps.throttle.release(user.username, ctx.ip);
      }
      const password = form.password ?? '';
      if (password !== form.again) return seeOther(ctx, '/account?error=mismatch');
      try {
        assertPasswordAcceptable(password);
      } catch {
        return seeOther(ctx, '/account?error=new_password');
      }
      await setUserPassword(deps.store, user.username, password, deps.hasher);
      deps.logger.info(
        { event: 'account_password_changed', sub: user.id },
        'password changed on /account; every session ended',
      );
      seeOther(ctx, '/account/done?what=password');
    },
    '/account/totp': async (ctx, session, form) => {
      const secret = form.secret ?? '';
      if (!timingSafeEqual(form.proof ?? '', totpProof(session, secret))) return staleForm(ctx);
      const step = matchTotpStep(secret, (form.code ?? '').replace(/\s/g, ''), deps.nowMs());
      if (step === null) {
        html(ctx, 200, await totpSetup(session, secret, 'Invalid code'));
        return;
      }
      await setUserTotpSecret(deps.store, session.user.username, secret);
      // The confirming code is spent: it cannot sign anyone in afterwards.
      await deps.store.authenticators.acceptTotpStep(session.user.id, step);
      deps.logger.info(
        { event: 'account_totp_enabled', sub: session.user.id },
        'authenticator app turned on; every session ended',
      );
      seeOther(ctx, '/account/done?what=totp_on');
    },
    '/account/totp/remove': async (ctx, session) => {
      await setUserTotpSecret(deps.store, session.user.username, null);
      deps.logger.info(
        { event: 'account_totp_disabled', sub: session.user.id },
        'authenticator app turned off; every session ended',
      );
      seeOther(ctx, '/account/done?what=totp_off');
    },
    '/account/passkeys': async (ctx, session, form) => {
      const now = Math.floor(deps.nowMs() / 1000);
      // Taken first: spent by any attempt.
      const challenge = await deps.store.challenges.take(accountChallengeKey(session), now);
      const name = (form.name ?? '').trim();
      if (!NAME.test(name)) return seeOther(ctx, '/account?error=passkey_name');
      const response = readRegistrationJson(form.response);
      if (!response || challenge === undefined) return seeOther(ctx, '/account?error=passkey');
      const verified = await verifyRegistration(deps.relyingParty(), response, challenge, {
        userId: session.user.id,
        name,
      });
      if (!verified.ok) {
        deps.logger.info(
          { event: 'passkey_registration_refused', sub: session.user.id, detail: verified.detail },
          'passkey registration refused',
        );
        return seeOther(ctx, '/account?error=passkey');
      }
      try {
        await deps.store.authenticators.addPasskey(verified.value, now);
      } catch (error) {
        if (error instanceof AuthServerError) return seeOther(ctx, '/account?error=passkey');
        throw error;
      }
      deps.logger.info({ event: 'passkey_added', sub: session.user.id }, 'passkey added');
      seeOther(ctx, '/account?done=passkey_added');
    },
    '/account/passkeys/rename': async (ctx, session, form) => {
      const name = (form.name ?? '').trim();
      if (!NAME.test(name)) return seeOther(ctx, '/account?error=passkey_name');
      const renamed = await deps.store.authenticators.renamePasskey(session.user.id, form.id ?? '', name);
      seeOther(ctx, renamed ? '/account?done=passkey_renamed' : '/account?error=no_passkey');
    },
    '/account/passkeys/remove': async (ctx, session, form) => {
      const removed = await deps.store.authenticators.removePasskey(session.user.id, form.id ?? '');
      if (removed) deps.logger.info({ event: 'passkey_removed', sub: session.user.id }, 'passkey removed');
      seeOther(ctx, removed ? '/account?done=passkey_removed' : '/account?error=no_passkey');
    },
    '/account/recovery-codes': async (ctx, session) => {
      const codes = await createRecoveryCodes(deps.store, session.user.id, Math.floor(deps.nowMs() / 1000));
      deps.logger.info(
        { event: 'recovery_codes_created', sub: session.user.id },
        'new recovery codes; the old ones are void',
      );
      // Shown once, never stored in clear: the answer to the POST itself (no-store), not a page to come back to.
      html(ctx, 200, recoveryCodesPage(codes));
    },
  };

  return async function account(ctx: Context, next: Next): Promise<void> {
    if (ctx.path !== '/account' && !ctx.path.startsWith('/account/')) return next();
    const handlers = ctx.method === 'GET' || ctx.method === 'HEAD' ? get : ctx.method === 'POST' ? post : {};
    const handler = Object.hasOwn(handlers, ctx.path) ? handlers[ctx.path] : undefined;
    if (!handler) {
      const known = Object.hasOwn(get, ctx.path) || Object.hasOwn(post, ctx.path);
      return html(ctx, known ? 405 : 404, errorPage({ error: known ? 'method_not_allowed' : 'not_found' }));
    }
    try {
      if (ctx.method !== 'POST') return await (handler as (ctx: Context) => Promise<void>)(ctx);
      await guardedPost(ctx, post[ctx.path] ?? (async () => undefined));
    } catch (error) {
      if (error instanceof FormBodyError) {
        if (error.status === 413) ctx.set('Connection', 'close');
        return html(
          ctx,
          error.status,
          errorPage({ error: error.status === 413 ? 'request_too_large' : 'invalid_request' }),
        );
      }
      deps.logger.error({ err: error, path: ctx.path }, 'account page failed');
      html(
        ctx,
        500,
        errorPage({ error: 'server_error', back: { href: '/account', label: 'Back to your account' } }),
      );
    }
  };

  /** Every change: from our own page (Fetch Metadata, then the form token), by a session signed in recently. */
  async function guardedPost(
    ctx: Context,
    run: (ctx: Context, session: AccountSession, form: Record<string, string>) => Promise<void>,
  ): Promise<void> {
    if (isCrossSite(ctx.get('sec-fetch-site'))) {
      deps.logger.info(
        { event: 'account_cross_site_post', path: ctx.path },
        'account change refused: sent by another site',
      );
      return html(
        ctx,
        403,
        errorPage({ error: 'cross_site_request', back: { href: '/account', label: 'Back to your account' } }),
      );
    }
    const session = await read(ctx);
    if (!session) return seeOther(ctx, '/account/sign-in');
    const form = await readFormBody(ctx.req);
    if (!csrfTokenMatches(session, form.csrf)) return staleForm(ctx);
    if (!isRecent(session, deps.nowMs())) return reauthenticate(ctx);
    await run(ctx, session, form);
  }

  function staleForm(ctx: Context): void {
    deps.logger.info(
      { event: 'account_form_refused', path: ctx.path },
      'account change refused: no valid form token',
    );
    html(
      ctx,
      403,
      errorPage({ error: 'stale_form', back: { href: '/account', label: 'Back to your account' } }),
    );
  }

  function reauthenticate(ctx: Context): void {
    html(
      ctx,
      403,
      errorPage({
        error: 'reauthentication_required',
        back: { href: '/account/sign-in?again=1', label: 'Sign in again' },
      }),
    );
  }
}

function html(ctx: Context, status: number, body: string): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = body;
}

function seeOther(ctx: Context, location: string): void {
  ctx.status = 303;
  ctx.redirect(location);
}

function pick(table: Readonly<Record<string, string>>, key: unknown): string | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
}
