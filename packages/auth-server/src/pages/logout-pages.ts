import { type BackLink, escapeHtml, renderBackLink, renderPage } from '@gatehouse/common';

/**
 * RP-initiated logout confirmation. `form` is oidc-provider's hidden form (`id="op.logoutForm"`, with its xsrf
 * token); our buttons submit it. Both end the application's part of the session (oidc-provider revokes that
 * client's grant and sends it a back-channel logout) and go back to its post-logout URI when it sent one;
 * `logout=yes` also ends the session at this server, for every application signed in with it on this browser.
 * The page says exactly that: the application has already ended its own session when it sends people here.
 */
export function logoutPage(input: {
  form: string;
  clientName?: string | undefined;
  returns: boolean;
}): string {
  if (input.clientName === undefined) {
    return renderPage({
      title: 'Sign out',
      body: `<h1>Sign out?</h1>
<p>Sign out of the Gatehouse auth server on this browser? Applications you signed in to with it are told to sign you out too, and the next sign-in asks for your password.</p>
${input.form}
<div class="actions">
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
<button type="submit" form="op.logoutForm" class="secondary">Stay signed in</button>
</div>`,
    });
  }
  const name = `<strong>${escapeHtml(input.clientName)}</strong>`;
  const after = input.returns ? `\n<p>Either way, you go back to ${name}.</p>` : '';
  return renderPage({
    title: 'Signed out',
    body: `<h1>You are signed out of ${name}</h1>
<p>Also sign out of the Gatehouse auth server on this browser? Then every application you signed in to with it here is told to sign you out, and the next sign-in asks for your password.</p>
${input.form}
<div class="actions">
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out everywhere</button>
<button type="submit" form="op.logoutForm" class="secondary">Stay signed in to the auth server</button>
</div>${after}`,
  });
}

/** Shown after a logout without a (valid) post_logout_redirect_uri; links back to the client when known. */
export function loggedOutPage(input: {
  clientName?: string | undefined;
  back?: BackLink | undefined;
}): string {
  const from = input.clientName ? ` of <strong>${escapeHtml(input.clientName)}</strong>` : '';
  return renderPage({
    title: 'Signed out',
    body: `<h1>You are signed out</h1>
<p>You have signed out${from}.</p>
${renderBackLink(input.back)}`,
  });
}
