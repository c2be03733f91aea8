import { escapeHtml, renderPage } from '@gatehouse/common';

const SCOPE_TEXT: Record<string, string> = {
  openid: 'Know who you are (your account identifier)',
  profile: 'Your name and username',
  email: 'Your email address',
  offline_access: 'Stay signed in when you are away',
  roles: 'Your roles (what you may do in applications)',
};

/** The consent page third-party clients get (first-party clients skip it). */
export function consentPage(input: {
  allowAction: string;
  denyAction: string;
  clientName: string;
  scopes: readonly string[];
}): string {
  const items = input.scopes.map((scope) => `<li>${escapeHtml(SCOPE_TEXT[scope] ?? scope)}</li>`).join('\n');
  return renderPage({
    title: 'Allow access',
    body: `<h1>Allow access?</h1>
<p><strong>${escapeHtml(input.clientName)}</strong> is asking to:</p>
<ul class="scopes">
${items}
</ul>
<div class="actions">
<form method="post" action="${escapeHtml(input.allowAction)}"><button type="submit" autofocus>Allow</button></form>
<form method="post" action="${escapeHtml(input.denyAction)}"><button type="submit" class="secondary">Deny</button></form>
</div>`,
  });
}
