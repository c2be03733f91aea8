import type { CallbackAnswer, LoginAnswer, LogoutAnswer, MeAnswer, TokenAnswer } from '../answers.js';
import { API_ERRORS, type ApiErrorCode } from '../error-codes.js';
import { FLOW_PARTIES } from '../flow-step.js';
import { USER_MEMBERS } from '../user.js';
import type { ContractAnswer } from './contract-client.js';
import { expectContract } from './contract-violation.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function members(value: Record<string, unknown>): string {
  return Object.keys(value).sort().join(', ');
}

/** The answer's status is `status`. */
export function expectStatus(answer: ContractAnswer, status: number, what: string): void {
  expectContract(
    answer.status === status,
    `${what}: status ${answer.status}, the contract says ${status} (${answer.text.slice(0, 200)})`,
  );
}

/**
 * An error answer: the code's status from the contract, `{error, error_description}` and nothing else, but for
 * the flow inspector's account of a refused callback (`flow`, `failed_check`, `failure_detail`) when it is on.
 */
export function expectError(answer: ContractAnswer, code: ApiErrorCode, what: string): void {
  expectStatus(answer, API_ERRORS[code].status, what);
  const body = answer.body;
  expectContract(isRecord(body), `${what}: the error answer is not a JSON object`);
  expectContract(body.error === code, `${what}: error ${String(body.error)}, the contract says ${code}`);
  expectContract(typeof body.error_description === 'string', `${what}: no error_description`);
  const { flow, failed_check, failure_detail, ...rest } = body;
  expectContract(members(rest) === 'error, error_description', `${what}: members ${members(body)}`);
  expectContract(flow === undefined || Array.isArray(flow), `${what}: flow is not an array`);
  expectContract(
    failed_check === undefined || (flow !== undefined && typeof failed_check === 'string'),
    `${what}: failed_check without the inspector's flow`,
  );
  expectContract(
    failure_detail === undefined || (flow !== undefined && typeof failure_detail === 'string'),
    `${what}: failure_detail without the inspector's flow`,
  );
  if (answer.status === 401) {
    const challenge = answer.headers.get('www-authenticate') ?? '';
    expectContract(
      /^Bearer error="[a-z_]+"/.test(challenge),
      `${what}: a 401 without a Bearer challenge (RFC 6750 3): "${challenge}"`,
    );
  }
}

/** A {@link User} (or, for `/api/me`, a {@link MeAnswer}): `sub`, and only the contract's members, typed. */
export function expectUser(value: unknown, what: string, me = false): asserts value is MeAnswer {
  expectContract(isRecord(value), `${what}: the user is not an object`);
  expectContract(typeof value.sub === 'string' && value.sub !== '', `${what}: the user has no sub`);
  const allowed: readonly string[] = me
    ? USER_MEMBERS.filter((name) => name !== 'email_verified')
    : USER_MEMBERS;
  const extra = Object.keys(value).filter((name) => !allowed.includes(name));
  expectContract(
    extra.length === 0,
    `${what}: the user has members the contract does not: ${extra.join(', ')}`,
  );
  for (const name of ['email', 'name'] as const) {
    expectContract(
      value[name] === undefined || typeof value[name] === 'string',
      `${what}: ${name} not a string`,
    );
  }
  expectContract(
    value.email_verified === undefined || typeof value.email_verified === 'boolean',
    `${what}: email_verified not a boolean`,
  );
  expectContract(
    value.roles === undefined ||
      (Array.isArray(value.roles) && value.roles.every((role) => typeof role === 'string' && role !== '')),
    `${what}: roles not a list of names`,
  );
}

function expectFlow(value: unknown, what: string): void {
  if (value === undefined) return;
  expectContract(Array.isArray(value), `${what}: flow is not a list`);
  for (const step of value) {
    expectContract(isRecord(step), `${what}: a flow step is not an object`);
    expectContract(
      typeof step.step === 'number' &&
        typeof step.label === 'string' &&
        typeof step.detail === 'string' &&
        typeof step.started_at === 'number' &&
        typeof step.duration_ms === 'number' &&
        (step.status === 'ok' || step.status === 'error') &&
        FLOW_PARTIES.includes(step.from as never) &&
        FLOW_PARTIES.includes(step.to as never),
      `${what}: a flow step does not have the contract's shape`,
    );
  }
}

/** `GET /api/login` → 200 {@link LoginAnswer}. */
export function expectLoginAnswer(answer: ContractAnswer, what: string): LoginAnswer {
  expectStatus(answer, 200, what);
  const body = answer.body;
  expectContract(isRecord(body), `${what}: not a JSON object`);
  expectContract(typeof body.login_url === 'string' && URL.canParse(body.login_url), `${what}: no login_url`);
  expectFlow(body.flow, what);
  return body as unknown as LoginAnswer;
}

/** A {@link TokenAnswer} (refresh) or, with `callback`, a {@link CallbackAnswer}; never cached. */
export function expectTokenAnswer(answer: ContractAnswer, what: string, callback = false): TokenAnswer {
  expectStatus(answer, 200, what);
  expectContract(
    answer.headers.get('cache-control') === 'no-store',
    `${what}: a token answer without Cache-Control: no-store`,
  );
  const body = answer.body;
  expectContract(isRecord(body), `${what}: not a JSON object`);
  expectContract(
    typeof body.access_token === 'string' && body.access_token !== '',
    `${what}: no access_token`,
  );
  expectContract(body.token_type === 'Bearer', `${what}: token_type ${String(body.token_type)}`);
  expectContract(
    typeof body.expires_in === 'number' && Number.isFinite(body.expires_in) && body.expires_in > 0,
    `${what}: expires_in not a positive number`,
  );
  expectUser(body.user, what);
  const expected = callback
    ? ['access_token', 'expires_in', 'flow', 'return_to', 'token_type', 'user']
    : ['access_token', 'expires_in', 'token_type', 'user'];
  const extra = Object.keys(body).filter((name) => !expected.includes(name));
  expectContract(extra.length === 0, `${what}: members the contract does not have: ${extra.join(', ')}`);
  if (callback) {
    expectContract(
      typeof body.return_to === 'string' && body.return_to.startsWith('/'),
      `${what}: return_to not a path`,
    );
    expectFlow(body.flow, what);
    return body as unknown as CallbackAnswer;
  }
  return body as unknown as TokenAnswer;
}

/** `POST /api/logout` → 200 {@link LogoutAnswer}. */
export function expectLogoutAnswer(answer: ContractAnswer, what: string): LogoutAnswer {
  expectStatus(answer, 200, what);
  const body = answer.body;
  expectContract(isRecord(body), `${what}: not a JSON object`);
  expectContract(
    typeof body.logout_url === 'string' && /^https?:\/\//.test(body.logout_url),
    `${what}: logout_url not an http(s) URL`,
  );
  expectContract(members(body) === 'logout_url', `${what}: members ${members(body)}`);
  return body as unknown as LogoutAnswer;
}
