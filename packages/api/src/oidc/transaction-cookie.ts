import type {} from '@fastify/cookie';
import type { FastifyReply } from 'fastify';
import { LOGIN_TRANSACTION_TTL_MS } from './start-login.js';

/**
 * Sets a login transaction's binding cookie for the transaction's lifetime: HttpOnly, Secure, Path=/ (its
 * `__Host-` name demands the last two). SameSite=Strict for the SPA flow, whose callback is an XHR from our own
 * page; Lax for the simple flow, whose callback is a top-level cross-site navigation from the provider, on which
 * Strict cookies are not sent.
 */
export function setTransactionCookie(
  reply: FastifyReply,
  cookie: { name: string; value: string },
  flow: 'spa' | 'simple',
): void {
  reply.setCookie(cookie.name, cookie.value, {
    httpOnly: true,
    secure: true,
    sameSite: flow === 'spa' ? 'strict' : 'lax',
    path: '/',
    maxAge: LOGIN_TRANSACTION_TTL_MS / 1000,
  });
}

/** Clears a spent transaction's cookie with the attributes a browser needs to match it (`__Host-`: Secure, Path=/). */
export function clearTransactionCookie(reply: FastifyReply, name: string): void {
  reply.clearCookie(name, { path: '/', secure: true, httpOnly: true });
}
