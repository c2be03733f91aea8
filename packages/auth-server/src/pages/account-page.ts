import { escapeHtml, renderAlert, renderPage } from '@gatehouse/common';
import type { AuthenticatorSummary, PasskeyRecord, UserRecord } from '../store/auth-store.js';
import { PASSKEY_SCRIPTS, passkeyForm } from './passkey-form.js';

/** What the account page shows; `changes` is there only after a recent sign-in (the forms need one). */
export interface AccountPageInput {
  readonly user: UserRecord;
  readonly summary: AuthenticatorSummary;
  readonly passkeys: readonly PasskeyRecord[];
  readonly changes?: {
    readonly csrfToken: string;
    /** Registration options for "Add a passkey", their challenge kept server-side. */
    readonly registration: Readonly<Record<string, unknown>>;
  };
  readonly message?: string | undefined;
  readonly error?: string | undefined;
}

/** `2026-12-01 23:38 UTC` for epoch seconds. */
export function formatTime(seconds: number | null): string {
  if (seconds === null) return 'Never';
  return `${new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function hidden(csrfToken: string): string {
  return `<input type="hidden" name="csrf" value="${escapeHtml(csrfToken)}">`;
}

/**
 * `/account`: the account's sign-in methods. The password (old, then new twice), the authenticator app (set up or
 * turn off), passkeys (name, created, last used; rename, "Remove"; "Add a passkey"), recovery codes ("Create
 * recovery codes"). Every form carries the session's form token; without a recent sign-in the page shows the
 * methods and a way to sign in again instead of the forms.
 */
export function accountPage(input: AccountPageInput): string {
  const { user, summary, passkeys, changes } = input;
  const status = input.message ? `<p class="notice" role="status">${escapeHtml(input.message)}</p>` : '';
  const again = changes
    ? ''
    : `<p>To change how you sign in, sign in again first: your last sign-in was more than five minutes ago.</p>
<p><a class="button" href="/account/sign-in?again=1">Sign in again</a></p>`;
  const password = changes
    ? `<form method="post" action="/account/password">
${hidden(changes.csrfToken)}
<label for="current-password">Current password
<input id="current-password" name="current" type="password" autocomplete="current-password" required maxlength="1024">
</label>
<label for="new-password">New password
<input id="new-password" name="password" type="password" autocomplete="new-password" required minlength="8" maxlength="1024">
</label>
<label for="new-password-again">New password again
<input id="new-password-again" name="again" type="password" autocomplete="new-password" required minlength="8" maxlength="1024">
</label>
<button type="submit">Change password</button>
</form>
<p>Changing it signs you out everywhere, in every application.</p>`
    : '';
  const totp = summary.totp
    ? `<p>On: sign-in asks for a code from your authenticator app.</p>${
        changes
          ? `\n<form method="post" action="/account/totp/remove">${hidden(changes.csrfToken)}<button type="submit" class="secondary">Turn off the authenticator app</button></form>`
          : ''
      }`
    : `<p>Off.</p>${changes ? '\n<p><a class="button" href="/account/totp">Set up an authenticator app</a></p>' : ''}`;
  const rows = passkeys
    .map((passkey) => {
      const actions = changes
        ? `<td><form method="post" action="/account/passkeys/rename" class="row">${hidden(changes.csrfToken)}<input type="hidden" name="id" value="${escapeHtml(passkey.id)}">
<label>New name<input name="name" value="${escapeHtml(passkey.name)}" required maxlength="64"></label><button type="submit" class="secondary">Rename</button></form>
<form method="post" action="/account/passkeys/remove">${hidden(changes.csrfToken)}<input type="hidden" name="id" value="${escapeHtml(passkey.id)}"><button type="submit" class="secondary" aria-label="Remove ${escapeHtml(passkey.name)}">Remove</button></form></td>`
        : '';
      return `<tr><td>${escapeHtml(passkey.name)}</td><td>${formatTime(passkey.createdAt)}</td><td>${formatTime(passkey.lastUsedAt)}</td>${actions}</tr>`;
    })
    .join('\n');
  const table =
    passkeys.length === 0
      ? '<p>No passkeys yet.</p>'
      : `<table>
<thead><tr><th>Name</th><th>Created</th><th>Last used</th>${changes ? '<th>Change</th>' : ''}</tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
  const addPasskey = changes
    ? passkeyForm({
        action: '/account/passkeys',
        ceremony: 'register',
        options: changes.registration,
        button: 'Add a passkey',
        fields: `${hidden(changes.csrfToken)}
<label for="passkey-name">Passkey name
<input id="passkey-name" name="name" type="text" required maxlength="64" placeholder="Laptop">
</label>
`,
      })
    : '';
  const codes = `<p>${summary.recoveryCodes === 0 ? 'None left.' : `${summary.recoveryCodes} of 10 left.`} A recovery code signs you in once, in place of your authenticator app or passkey.</p>${
    changes
      ? `\n<form method="post" action="/account/recovery-codes">${hidden(changes.csrfToken)}<button type="submit" class="secondary">Create recovery codes</button></form>
<p>Creating new codes voids the old ones.</p>`
      : ''
  }`;
  return renderPage({
    title: 'Your account',
    scripts: changes ? PASSKEY_SCRIPTS : [],
    body: `<h1>Your account</h1>
<p>Signed in as <strong>${escapeHtml(user.username)}</strong> (${escapeHtml(user.email)}).</p>
${status}${renderAlert(input.error)}
${again}
<section><h2>Password</h2>
${password || '<p>Set.</p>'}
</section>
<section><h2>Authenticator app</h2>
${totp}
</section>
<section><h2>Passkeys</h2>
${table}
${addPasskey}
</section>
<section><h2>Recovery codes</h2>
${codes}
</section>
<p><a href="/session/end">Sign out</a></p>`,
  });
}

/** After a change that ended every session (a new password, the authenticator app): sign in again. */
export function signedOutAfterChangePage(input: { title: string; message: string }): string {
  return renderPage({
    title: input.title,
    body: `<h1>${escapeHtml(input.title)}</h1>
<p>${escapeHtml(input.message)}</p>
<p><a class="button" href="/account/sign-in">Sign in again</a></p>`,
  });
}

/** The ten new recovery codes, shown once, with a text file to download (a `data:` link: nothing is stored in clear). */
export function recoveryCodesPage(codes: readonly string[]): string {
  const text = `Gatehouse recovery codes. Each works once, in place of your authenticator app or passkey.\n\n${codes.join('\n')}\n`;
  const href = `data:text/plain;charset=utf-8,${encodeURIComponent(text)}`;
  return renderPage({
    title: 'Your recovery codes',
    body: `<h1>Your recovery codes</h1>
<p>Keep these somewhere safe, away from your devices. Each code works once. They are shown only now: Gatehouse keeps only a hash of each.</p>
<ol class="codes">
${codes.map((code) => `<li><code>${escapeHtml(code)}</code></li>`).join('\n')}
</ol>
<div class="actions">
<a class="button" href="${escapeHtml(href)}" download="gatehouse-recovery-codes.txt">Download as text</a>
<a href="/account">Back to your account</a>
</div>`,
  });
}

/** Setting up the authenticator app: the QR code and secret, then a first code to confirm. */
export function totpSetupPage(input: {
  qrSvg: string;
  secret: string;
  proof: string;
  csrfToken: string;
  error?: string | undefined;
}): string {
  const described = input.error ? ' aria-describedby="form-error" aria-invalid="true"' : '';
  return renderPage({
    title: 'Set up an authenticator app',
    body: `<h1>Set up an authenticator app</h1>
<p>Scan this code with your authenticator app, or type the key below into it.</p>
<div class="qr">${input.qrSvg}</div>
<p>Key: <code>${escapeHtml(input.secret.replace(/(.{4})/g, '$1 ').trim())}</code></p>
${renderAlert(input.error)}
<form method="post" action="/account/totp">
${hidden(input.csrfToken)}
<input type="hidden" name="secret" value="${escapeHtml(input.secret)}">
<input type="hidden" name="proof" value="${escapeHtml(input.proof)}">
<label for="code">Authentication code
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus${described}>
</label>
<button type="submit">Turn on</button>
</form>
<p>Turning it on signs you out everywhere; sign in again with a code from the app.</p>
<p><a href="/account">Cancel</a></p>`,
  });
}
