import { escapeHtml } from './escape-html.js';
import { type PageAssets, renderPage } from './render-page.js';

/** A way back to the application: where a link goes and what it says. */
export interface BackLink {
  /** An absolute http(s) URL or a path on this origin; anything else is dropped. */
  readonly href: string;
  readonly label: string;
}

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
  const href = input.back && isSafeHref(input.back.href) ? input.back.href : undefined;
  const back =
    href !== undefined && input.back
      ? `<p><a class="button" href="${escapeHtml(href)}">${escapeHtml(input.back.label)}</a></p>`
      : '<p>You can close this page.</p>';
  return renderPage({
    title: input.title,
    body: `<h1>${escapeHtml(input.title)}</h1>
<p>${escapeHtml(input.message)}</p>${code}
${back}`,
    ...(input.assets ? { assets: input.assets } : {}),
  });
}

/** Only http(s) URLs and same-origin paths: a `javascript:` or `data:` link must never be rendered. */
function isSafeHref(href: string): boolean {
  if (href.startsWith('/')) return !href.startsWith('//') && !href.startsWith('/\\');
  try {
    const url = new URL(href);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
