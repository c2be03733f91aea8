import { escapeHtml, renderAlert, renderPage } from '@gatehouse/common';
import { PASSKEY_SCRIPTS, passkeyForm } from './passkey-form.js';

/**
 * Step one of sign-in: username and password, or "Sign in with a passkey" (with passkey autofill in the username
 * field where the browser offers it). `error` never says whether the user exists. `username` fills the field in
 * (a login_hint, or what was typed before a refusal); the password field then has the focus.
 */
export function loginPage(input: {
  action: string;
  passkey: { action: string; options: Readonly<Record<string, unknown>> };
  /** Start passkey autofill in the username field (conditional mediation). */
  autofill: boolean;
  clientName: string;
  username?: string | undefined;
  error?: string | undefined;
}): string {
  const described = input.error ? ' aria-describedby="form-error" aria-invalid="true"' : '';
  const username = input.username ?? '';
  const [focusUsername, focusPassword] = username === '' ? [' autofocus', ''] : ['', ' autofocus'];
  return renderPage({
    title: 'Sign in',
    scripts: PASSKEY_SCRIPTS,
    body: `<h1>Sign in</h1>
<p>to continue to <strong>${escapeHtml(input.clientName)}</strong></p>
${renderAlert(input.error)}
<form method="post" action="${escapeHtml(input.action)}">
<label for="username">Username
<input id="username" name="username" type="text" autocomplete="username webauthn" autocapitalize="none" spellcheck="false" required maxlength="256" value="${escapeHtml(username)}"${focusUsername}${described}>
</label>
<label for="password">Password
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024"${focusPassword}${described}>
</label>
<button type="submit">Sign in</button>
</form>
<div class="alternative">
${passkeyForm({ ...input.passkey, ceremony: 'authenticate', button: 'Sign in with a passkey', secondary: true, autofill: input.autofill })}
</div>`,
  });
}

/**
 * Sign-in for a client that asked for a phishing-resistant sign-in (`acr_values=phr`, docs/security.md 46): a
 * passkey only, no password form; "Cancel" returns to the application with an error.
 */
export function passkeyOnlyPage(input: {
  passkey: { action: string; options: Readonly<Record<string, unknown>> };
  cancelAction: string;
  clientName: string;
  error?: string | undefined;
}): string {
  return renderPage({
    title: 'Sign in with a passkey',
    scripts: PASSKEY_SCRIPTS,
    body: `<h1>Sign in with a passkey</h1>
<p><strong>${escapeHtml(input.clientName)}</strong> asks for a sign-in with a passkey: a password is not enough here.</p>
${renderAlert(input.error)}
<div class="actions">
${passkeyForm({ ...input.passkey, ceremony: 'authenticate', button: 'Sign in with a passkey', autofocus: true })}
<form method="post" action="${escapeHtml(input.cancelAction)}"><button type="submit" class="secondary">Cancel</button></form>
</div>`,
  });
}
