import { randomToken } from '@gatehouse/common';
import type { AdapterPayload } from 'oidc-provider';

/** The client id of `/account`'s own sign-in; `gatehouse clients add` refuses it. */
export const ACCOUNT_CLIENT_ID = 'gatehouse-account';

/** Where `/account`'s sign-in returns. */
export const ACCOUNT_CALLBACK_PATH = '/account/callback';

/**
 * The client `/account` signs in with, made from the issuer, never stored: it exists only in this server. It
 * uses the usual sign-in pages (password, second factor, passkey) through oidc-provider like any application;
 * `/account` then reads the session oidc-provider made and never redeems the code, so its secret is random per
 * process and unknown to anyone.
 */
export function accountClientMetadata(issuer: string): AdapterPayload {
  return {
    client_id: ACCOUNT_CLIENT_ID,
    client_name: 'your Gatehouse account',
    client_secret: randomToken(32),
    redirect_uris: [`${issuer}${ACCOUNT_CALLBACK_PATH}`],
    post_logout_redirect_uris: [`${issuer}/account`],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}
