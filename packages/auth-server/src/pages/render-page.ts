import { escapeHtml } from '../http/escape-html.js';
import { FAVICON_PATH } from './favicon.js';
import { STYLESHEET_PATH } from './styles.js';

/** A page's parts; `body` is trusted HTML built by the page functions (every value in it already escaped). */
export interface PageParts {
  readonly title: string;
  readonly body: string;
}

/** The shared HTML document: language, viewport, our icon and stylesheet, one `<main>` landmark. */
export function renderPage({ title, body }: PageParts): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · Gatehouse</title>
<link rel="icon" href="${FAVICON_PATH}" type="image/svg+xml">
<link rel="stylesheet" href="${STYLESHEET_PATH}">
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

/** An alert box announced by screen readers, or nothing. */
export function renderAlert(message: string | undefined): string {
  return message ? `<p class="alert" role="alert" id="form-error">${escapeHtml(message)}</p>` : '';
}
