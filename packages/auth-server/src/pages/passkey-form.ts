import { escapeHtml } from '@gatehouse/common';

/** The scripts a passkey page loads, from this origin: SimpleWebAuthn's browser bundle, then ours. */
export const PASSKEY_SCRIPTS = ['/assets/simplewebauthn-browser.js', '/assets/passkey.js'] as const;

/**
 * A form that runs a passkey ceremony (`/assets/passkey.js`): its button asks the browser, the browser's answer
 * goes in the hidden `response` field, and the form posts like any other (303 after it). `options` are the
 * ceremony's options from the server, its challenge kept server-side. `autofill` also starts the username
 * field's passkey autofill (WebAuthn conditional mediation) where the browser offers it.
 */
export function passkeyForm(input: {
  action: string;
  ceremony: 'authenticate' | 'register';
  options: Readonly<Record<string, unknown>>;
  button: string;
  secondary?: boolean;
  autofill?: boolean;
  autofocus?: boolean;
  /** Visible fields before the button (a passkey's name), and hidden ones (a CSRF token). */
  fields?: string;
}): string {
  const attributes = [
    `method="post"`,
    `action="${escapeHtml(input.action)}"`,
    `data-passkey="${input.ceremony}"`,
    `data-options="${escapeHtml(JSON.stringify(input.options))}"`,
    ...(input.autofill ? ['data-autofill'] : []),
  ].join(' ');
  const buttonClass = input.secondary ? ' class="secondary"' : '';
  const focus = input.autofocus ? ' autofocus' : '';
  return `<form ${attributes}>
${input.fields ?? ''}<input type="hidden" name="response" value="">
<button type="button" data-passkey-start${buttonClass}${focus}>${escapeHtml(input.button)}</button>
</form>`;
}
