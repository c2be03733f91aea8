import { FLOW_PARTIES, type FlowStep, type User } from '@gatehouse/contract';

/** A token answer of `/api/callback` or `/api/refresh`, checked. */
export interface TokenAnswer {
  accessToken: string;
  expiresIn: number;
  user: User;
  returnTo: string | undefined;
  flow: FlowStep[] | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a `User` from the API; `null` when it is not one. */
export function parseUser(value: unknown): User | null {
  if (!isRecord(value) || typeof value.sub !== 'string' || value.sub === '') return null;
  const user: User = { sub: value.sub };
  if (typeof value.email === 'string') user.email = value.email;
  if (typeof value.email_verified === 'boolean') user.email_verified = value.email_verified;
  if (typeof value.name === 'string') user.name = value.name;
  if (Array.isArray(value.roles)) {
    const roles = value.roles.filter((role): role is string => typeof role === 'string' && role !== '');
    if (roles.length > 0) user.roles = roles;
  }
  return user;
}

const PARTIES: ReadonlySet<string> = new Set(FLOW_PARTIES);

function parseFlowStep(value: unknown): FlowStep | null {
  if (!isRecord(value)) return null;
  const { step, from, to, label, started_at, duration_ms, status, detail } = value;
  if (typeof step !== 'number' || typeof label !== 'string' || typeof detail !== 'string') return null;
  if (typeof from !== 'string' || typeof to !== 'string' || !PARTIES.has(from) || !PARTIES.has(to))
    return null;
  if (typeof started_at !== 'number' || typeof duration_ms !== 'number') return null;
  if (status !== 'ok' && status !== 'error') return null;
  return {
    step,
    from: from as FlowStep['from'],
    to: to as FlowStep['to'],
    label,
    started_at,
    duration_ms,
    status,
    detail,
  };
}

/** Checks the optional `flow` array; `undefined` when the API did not send one (inspector off). */
export function parseFlow(value: unknown): FlowStep[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const steps: FlowStep[] = [];
  for (const item of value) {
    const step = parseFlowStep(item);
    if (step) steps.push(step);
  }
  return steps;
}

/** Checks a token answer (`access_token`, `token_type: Bearer`, `expires_in`, `user`); `null` when malformed. */
export function parseTokenAnswer(body: unknown): TokenAnswer | null {
  if (!isRecord(body)) return null;
  const { access_token, token_type, expires_in } = body;
  if (typeof access_token !== 'string' || access_token === '') return null;
  if (typeof token_type !== 'string' || token_type.toLowerCase() !== 'bearer') return null;
  if (typeof expires_in !== 'number' || !Number.isFinite(expires_in) || expires_in <= 0) return null;
  const user = parseUser(body.user);
  if (!user) return null;
  return {
    accessToken: access_token,
    expiresIn: expires_in,
    user,
    returnTo: typeof body.return_to === 'string' ? body.return_to : undefined,
    flow: parseFlow(body.flow),
  };
}
