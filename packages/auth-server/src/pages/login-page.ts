import { escapeHtml, renderAlert, renderPage } from '@gatehouse/common';

/**
 * Step one of sign-in: username and password. `error` never says whether the user exists. `username` fills the
 * field in (a login_hint, or what was typed before a refusal); the password field then has the focus.
 */
export function loginPage(input: {
  action: string;
  clientName: string;
  username?: string | undefined;
  error?: string | undefined;
}): string {
  const described = input.error ? ' aria-describedby="form-error" aria-invalid="true"' : '';
  const username = input.username ?? '';
  const [focusUsername, focusPassword] = username === '' ? [' autofocus', ''] : ['', ' autofocus'];
  return renderPage({
    title: 'Sign in',
    body: `<h1>Sign in</h1>
<p>to continue to <strong>${escapeHtml(input.clientName)}</strong></p>
${renderAlert(input.error)}
<form method="post" action="${escapeHtml(input.action)}">
<label for="username">Username
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="256" value="${escapeHtml(username)}"${focusUsername}${described}>
</label>
<label for="password">Password
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024"${focusPassword}${described}>
</label>
<button type="submit">Sign in</button>
</form>`,
  });
}
