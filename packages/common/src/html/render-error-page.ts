import { escapeHtml } from './escape-html.js';
import { type BackLink, renderBackLink } from './render-back-link.js';
import { type PageAssets, renderPage } from './render-page.js';

/** What an error page says. Every value is plain text (escaped here), never HTML. */
export interface ErrorPageInput {
  /** The heading, in words a person understands ("This sign-in link has expired"). */
  readonly title: string;
  /** What happened and what to do, one or two sentences. Never library text or request input. */
  readonly message: string;
  /** A stable code to quote when asking for help (`invalid_client`). */
  readonly code?: string;
  /** A link back to the application; without one the page says the person can close it. */
  readonly back?: BackLink;
  readonly assets?: PageAssets;
}

/**
 * The error page of both servers: a heading, what happened, the code to quote, and a way back to the
 * application (or "You can close this page." when no application is known).
 *
 * @example
 * renderErrorPage({ title: 'Page not found', message: 'There is no page at this address.', code: 'not_found' });
 */
export function renderErrorPage(input: ErrorPageInput): string {
  const code = input.code ? `\n<p class="code">Error code: <code>${escapeHtml(input.code)}</code></p>` : '';
  return renderPage({
    title: input.title,
    body: `<h1>${escapeHtml(input.title)}</h1>
<p>${escapeHtml(input.message)}</p>${code}
${renderBackLink(input.back)}`,
    ...(input.assets ? { assets: input.assets } : {}),
  });
}
