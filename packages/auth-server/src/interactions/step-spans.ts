import type { SpanAttributes } from '@gatehouse/common';

/** The seed steps the auth server handles, by interaction request: 4 the page, 5 the credentials or a factor. */
const STEPS: Readonly<Record<string, { step: number; name: string }>> = {
  'GET ': { step: 4, name: 'sign_in_page' },
  'POST login': { step: 5, name: 'sign_in' },
  'POST passwordless': { step: 5, name: 'sign_in' },
  'POST totp': { step: 5, name: 'second_factor' },
  'POST passkey': { step: 5, name: 'second_factor' },
  'POST recovery': { step: 5, name: 'second_factor' },
  'POST consent': { step: 5, name: 'consent' },
};

/** Step 6: the sign-in done, the browser sent back to the client's redirect_uri. */
export const STEP_6 = { step: 6, name: 'redirect_to_callback' } as const;

/**
 * The span of an interaction request: the step, its name and the action (a closed set), never the uid in its
 * path (it names the interaction its cookie opens) nor anything posted (docs/security.md 48).
 */
export function stepSpan(
  method: string,
  action: string,
): { name: string; attributes: SpanAttributes } | undefined {
  const known = STEPS[`${method} ${action}`];
  if (known === undefined) return undefined;
  return {
    name: `gatehouse step ${known.step} ${known.name}`,
    attributes: {
      'gatehouse.step': known.step,
      'gatehouse.step.name': known.name,
      ...(action === '' ? {} : { 'gatehouse.interaction.action': action }),
    },
  };
}
