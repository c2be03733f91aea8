import { escapeHtml, renderPage } from '@gatehouse/common';

/**
 * Every error a person can see. `error` and `description` come from oidc-provider's `out` (already limited
 * to what may be exposed) or from our routes; both are escaped, never reflected raw.
 */
export function errorPage(input: { error: string; description?: string }): string {
  const description = input.description ? `<p>${escapeHtml(input.description)}</p>` : '';
  return renderPage({
    title: 'Something went wrong',
    body: `<h1>Something went wrong</h1>
${description}
<p>Error code: <code>${escapeHtml(input.error)}</code></p>
<p>Go back to the application and try again.</p>`,
  });
}
