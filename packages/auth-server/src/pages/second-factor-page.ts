import { escapeHtml, renderAlert, renderPage } from '@gatehouse/common';
import { PASSKEY_SCRIPTS, passkeyForm } from './passkey-form.js';

/** Which second factors the account has, and where each posts. */
export interface SecondFactorChoices {
  readonly totp?: { readonly action: string };
  readonly passkey?: { readonly action: string; readonly options: Readonly<Record<string, unknown>> };
  readonly recovery?: { readonly action: string };
}

/**
 * Step two of sign-in, after the password: the factor `shown` (the authenticator app's code, a passkey, or a
 * recovery code), then the account's other factors to choose instead.
 */
export function secondFactorPage(input: {
  choices: SecondFactorChoices;
  shown: 'totp' | 'passkey' | 'recovery';
  pageUrl: string;
  error?: string | undefined;
}): string {
  const { choices, shown } = input;
  const described = input.error ? ' aria-describedby="form-error" aria-invalid="true"' : '';
  const main: string[] = [];
  if (shown === 'totp' && choices.totp) {
    main.push(`<p id="totp-help">Enter the 6-digit code from your authenticator app.</p>
${renderAlert(input.error)}
<form method="post" action="${escapeHtml(choices.totp.action)}">
<label for="code">Authentication code
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus${input.error ? described : ' aria-describedby="totp-help"'}>
</label>
<button type="submit">Verify</button>
</form>`);
  } else if (shown === 'recovery' && choices.recovery) {
    main.push(`<p id="recovery-help">Enter one of your recovery codes. Each code works once.</p>
${renderAlert(input.error)}
<form method="post" action="${escapeHtml(choices.recovery.action)}">
<label for="code">Recovery code
<input id="code" name="code" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="64" required autofocus${input.error ? described : ' aria-describedby="recovery-help"'}>
</label>
<button type="submit">Verify</button>
</form>`);
  } else if (choices.passkey) {
    main.push(`<p>Use your passkey to finish signing in.</p>
${renderAlert(input.error)}
${passkeyForm({ ...choices.passkey, ceremony: 'authenticate', button: 'Use a passkey', autofocus: true })}`);
  }
  const others: string[] = [];
  if (choices.passkey && shown !== 'passkey' && main.length > 0) {
    others.push(
      passkeyForm({ ...choices.passkey, ceremony: 'authenticate', button: 'Use a passkey', secondary: true }),
    );
  }
  const link = (method: string, text: string) =>
    `<p><a href="${escapeHtml(`${input.pageUrl}?method=${method}`)}">${text}</a></p>`;
  if (choices.totp && shown !== 'totp') others.push(link('totp', 'Use your authenticator app'));
  if (choices.recovery && shown !== 'recovery') others.push(link('recovery', 'Use a recovery code'));
  return renderPage({
    title: 'Two-step verification',
    scripts: choices.passkey ? PASSKEY_SCRIPTS : [],
    body: `<h1>Two-step verification</h1>
${main.join('\n')}${others.length > 0 ? `\n<div class="alternative">\n${others.join('\n')}\n</div>` : ''}`,
  });
}

/** After a sign-in with a recovery code: how many are left, then on to the application. */
export function recoveryNoticePage(input: { left: number; continueTo: string }): string {
  const left =
    input.left === 0
      ? 'That was your last recovery code. Create new ones on your account page before you need one again.'
      : `You have ${input.left} recovery code${input.left === 1 ? '' : 's'} left.${input.left <= 3 ? ' Create new ones on your account page soon.' : ''}`;
  return renderPage({
    title: 'Recovery code accepted',
    body: `<h1>Recovery code accepted</h1>
<p>${escapeHtml(left)}</p>
<a class="button" href="${escapeHtml(input.continueTo)}" autofocus>Continue</a>`,
  });
}
