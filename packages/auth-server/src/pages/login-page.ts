import { escapeHtml, renderAlert, renderPage } from '@gatehouse/common';

/** Step one of sign-in: username and password. `error` never says whether the user exists. */
export function loginPage(input: {
  action: string;
  clientName: string;
  loginHint?: string;
  error?: string;
}): string {
  const described = input.error ? ' aria-describedby="form-error" aria-invalid="true"' : '';
  return renderPage({
    title: 'Sign in',
    body: `<h1>Sign in</h1>
<p>to continue to <strong>${escapeHtml(input.clientName)}</strong></p>
${renderAlert(input.error)}
<form method="post" action="${escapeHtml(input.action)}">
<label for="username">Username
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="256" value="${escapeHtml(input.loginHint ?? '')}" autofocus${described}>
</label>
<label for="password">Password
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024"${described}>
</label>
<button type="submit">Sign in</button>
</form>`,
  });
}
