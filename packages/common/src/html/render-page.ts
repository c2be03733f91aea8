import { escapeHtml } from './escape-html.js';
import { FAVICON_PATH } from './favicon.js';
import { STYLESHEET_PATH } from './page-styles.js';

/**
 * Where a page loads its stylesheet and icon from, on its own origin (a strict CSP allows `style-src 'self'` and
 * nothing inline): the auth server serves them at {@link DEFAULT_PAGE_ASSETS}; another server passes its own.
 */
export interface PageAssets {
  readonly stylesheet: string;
  readonly icon: string;
}

/** The auth server's asset paths, the default of {@link renderPage}. */
export const DEFAULT_PAGE_ASSETS: PageAssets = { stylesheet: STYLESHEET_PATH, icon: FAVICON_PATH };

/** A page's parts; `body` is trusted HTML built by the page functions (every value in it already escaped). */
export interface PageParts {
  readonly title: string;
  readonly body: string;
  readonly assets?: PageAssets;
  /** Scripts of this origin the page loads (`defer`, never inline: `script-src 'self'`). */
  readonly scripts?: readonly string[];
}

/**
 * The shared HTML document of every page a person sees (the auth server's and the API's): language, viewport,
 * the icon and stylesheet, one `<main>` landmark. No inline script or style, so it works under a CSP of
 * `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'`; a page may load scripts of its own
 * origin (the auth server's passkey pages).
 *
 * @example
 * renderPage({ title: 'Signed out', body: '<h1>You are signed out</h1>' });
 */
export function renderPage({ title, body, assets = DEFAULT_PAGE_ASSETS, scripts = [] }: PageParts): string {
  const scriptTags = scripts.map((src) => `\n<script src="${escapeHtml(src)}" defer></script>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · Gatehouse</title>
<link rel="icon" href="${escapeHtml(assets.icon)}" type="image/svg+xml">
<link rel="stylesheet" href="${escapeHtml(assets.stylesheet)}">${scriptTags}
</head>
<body>
<main>
<p class="brand">Gatehouse</p>
${body}
</main>
</body>
</html>
`;
}
