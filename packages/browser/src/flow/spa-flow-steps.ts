import type { FlowStep } from '@gatehouse/contract';
import type { FlowTrail } from './flow-trail.js';

/** What the SDK saw of steps 3–6: the trail from before the navigation, and the callback's arrival. */
export interface SpaFlowFacts {
  trail: FlowTrail | null;
  callbackAt: number;
  issuer: string | undefined;
  error: string | undefined;
}

/**
 * Steps 3–6 from the SDK's own timestamps. The auth server's pages (steps 4–5) run on its origin, so the SPA
 * only knows when the browser left and when it came back; the detail says so instead of guessing.
 */
export function spaFlowSteps({ trail, callbackAt, issuer, error }: SpaFlowFacts): FlowStep[] {
  const leftAt = trail?.navigatedAt ?? callbackAt;
  const atAuthServer = Math.max(0, callbackAt - leftAt);
  const endpoint = trail?.authorizeEndpoint ?? 'the authorization endpoint';
  return [
    {
      step: 3,
      from: 'spa',
      to: 'auth',
      label: 'Browser goes to login_url',
      started_at: leftAt,
      duration_ms: 0,
      status: 'ok',
      detail: `GET ${endpoint} (client_id, redirect_uri, scope, state=[redacted], nonce=[redacted], code_challenge=[redacted], S256)`,
    },
    {
      step: 4,
      from: 'auth',
      to: 'spa',
      label: 'Sign-in page',
      started_at: leftAt,
      duration_ms: 0,
      status: 'ok',
      detail: 'The auth server renders its own sign-in page; the SPA never sees it.',
    },
    {
      step: 5,
      from: 'spa',
      to: 'auth',
      label: 'Credentials, then a second factor',
      started_at: leftAt,
      duration_ms: atAuthServer,
      status: error === undefined ? 'ok' : 'error',
      detail: 'Username, password and TOTP code go to the auth server only (time spent on its pages).',
    },
    {
      step: 6,
      from: 'auth',
      to: 'spa',
      label: 'Redirect to /callback',
      started_at: callbackAt,
      duration_ms: 0,
      status: error === undefined ? 'ok' : 'error',
      detail:
        error === undefined
          ? `/callback?code=[redacted]&state=[redacted]${issuer === undefined ? '' : `&iss=${issuer}`} (removed from the address bar)`
          : `/callback?error=${error}&state=[redacted] (removed from the address bar)`,
    },
  ];
}
