import { AuthServerError } from '../errors/auth-server-error.js';
import { ACCOUNT_CLIENT_ID } from '../oidc/account-client.js';
import type { AuthStore, ClientAuthMethod, ClientRecord } from '../store/auth-store.js';

/** Token endpoint authentication methods a client can register with. */
export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
];

/** What {@link addClient} needs. */
export interface AddClientInput {
  readonly clientId: string;
  /** The name people see on the sign-in, consent and logout pages (`client_name`); defaults to none (the id). */
  readonly name?: string | null;
  readonly secret: string | null;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris?: readonly string[];
  readonly backchannelLogoutUri?: string | null;
  readonly authMethod?: ClientAuthMethod;
  readonly jwksUri?: string | null;
  readonly firstParty?: boolean;
}

/** Minimum client secret length: 32 characters (a guessable secret is no authentication). */
export const MIN_CLIENT_SECRET_LENGTH = 32;

/** Longest display name: it has to fit in a sentence on a narrow sign-in page. */
export const MAX_CLIENT_NAME_LENGTH = 100;

/**
 * Validates and registers (or replaces) a client. Redirect URIs must be absolute http(s) URLs without a
 * fragment (RFC 6749 3.1.2); they are later matched exactly, character for character. Throws
 * `ERR_INVALID_INPUT`.
 */
export async function addClient(store: AuthStore, input: AddClientInput): Promise<ClientRecord> {
  const authMethod = input.authMethod ?? 'client_secret_basic';
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(input.clientId)) {
    throw invalid('client id must be 1-128 characters: letters, digits, ".", "_", ":", "-"');
  }
  if (input.clientId === ACCOUNT_CLIENT_ID)
    throw invalid(`client id "${ACCOUNT_CLIENT_ID}" is the auth server's own`);
  if (input.name !== undefined && input.name !== null) assertClientName(input.name);
  if (input.redirectUris.length === 0) throw invalid('at least one redirect URI is required');
  for (const uri of [...input.redirectUris, ...(input.postLogoutRedirectUris ?? [])]) assertUri(uri);
  if (input.backchannelLogoutUri) assertUri(input.backchannelLogoutUri);
  if (authMethod === 'private_key_jwt') {
    if (!input.jwksUri) throw invalid('private_key_jwt needs --jwks-uri');
    assertUri(input.jwksUri);
  } else if (!input.secret || input.secret.length < MIN_CLIENT_SECRET_LENGTH) {
    throw invalid(`${authMethod} needs a secret of at least ${MIN_CLIENT_SECRET_LENGTH} characters`);
  }
  return store.clients.put({
    clientId: input.clientId,
    name: input.name ?? null,
    secret: authMethod === 'private_key_jwt' ? null : input.secret,
    redirectUris: [...input.redirectUris],
    postLogoutRedirectUris: [...(input.postLogoutRedirectUris ?? [])],
    backchannelLogoutUri: input.backchannelLogoutUri ?? null,
    authMethod,
    jwksUri: input.jwksUri ?? null,
    firstParty: input.firstParty ?? false,
  });
}

/** A display name: 1-100 characters, none of them a control character (it is shown to people, escaped). */
function assertClientName(name: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (name.trim() === '' || name.length > MAX_CLIENT_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(name)) {
    throw invalid(
      `the client name must be 1-${MAX_CLIENT_NAME_LENGTH} characters, without control characters`,
    );
  }
}

function assertUri(value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`"${value}" is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(`"${value}" must be http(s)`);
  if (value.includes('#')) throw invalid(`"${value}" must not contain a fragment`);
}

function invalid(message: string): AuthServerError {
  return new AuthServerError('ERR_INVALID_INPUT', message);
}
