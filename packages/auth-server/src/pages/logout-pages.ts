import { escapeHtml, renderPage } from '@gatehouse/common';

/**
 * RP-initiated logout confirmation. `form` is oidc-provider's hidden form (`id="op.logoutForm"`, with its xsrf
 * token); our buttons submit it. `logout=yes` signs out; the other button keeps the session.
 */
export function logoutPage(input: { form: string; clientName?: string }): string {
  const from = input.clientName ? ` from <strong>${escapeHtml(input.clientName)}</strong>` : '';
  return renderPage({
    title: 'Sign out',
    body: `<h1>Sign out?</h1>
<p>You asked to sign out${from}.</p>
${input.form}
<div class="actions">
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
<button type="submit" form="op.logoutForm" class="secondary">Stay signed in</button>
</div>`,
  });
}

/** Shown after a logout without a (valid) post_logout_redirect_uri. */
export function loggedOutPage(input: { clientName?: string }): string {
  const from = input.clientName ? ` from <strong>${escapeHtml(input.clientName)}</strong>` : '';
  return renderPage({
    title: 'Signed out',
    body: `<h1>You are signed out</h1>
<p>You have signed out${from}. You can close this window.</p>`,
  });
}
