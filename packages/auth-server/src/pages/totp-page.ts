import { escapeHtml, renderAlert, renderPage } from '@gatehouse/common';

/** Step two of sign-in, only for users with a second factor: the authenticator app's code. */
export function totpPage(input: { action: string; error?: string }): string {
  const described = input.error
    ? ' aria-describedby="form-error" aria-invalid="true"'
    : ' aria-describedby="totp-help"';
  return renderPage({
    title: 'Two-step verification',
    body: `<h1>Two-step verification</h1>
<p id="totp-help">Enter the 6-digit code from your authenticator app.</p>
${renderAlert(input.error)}
<form method="post" action="${escapeHtml(input.action)}">
<label for="code">Authentication code
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus${described}>
</label>
<button type="submit">Verify</button>
</form>`,
  });
}
