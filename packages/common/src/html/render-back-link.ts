import { escapeHtml } from './escape-html.js';

/** A way back to the application: where a link goes and what it says. */
export interface BackLink {
  /** An absolute http(s) URL or a path on this origin; anything else is dropped. */
  readonly href: string;
  readonly label: string;
}

/**
 * The way back to the application on a page that ends a journey (an error, a sign-out): a link styled as a
 * button, or, when no application is known (or its link is not http(s)), "You can close this page."
 */
export function renderBackLink(back: BackLink | undefined): string {
  return back && isSafeHref(back.href)
    ? `<p><a class="button" href="${escapeHtml(back.href)}">${escapeHtml(back.label)}</a></p>`
    : '<p>You can close this page.</p>';
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
