import { escapeHtml } from './escape-html.js';

/** An alert box announced by screen readers (`id="form-error"`, for `aria-describedby`), or nothing. */
export function renderAlert(message: string | undefined): string {
  return message ? `<p class="alert" role="alert" id="form-error">${escapeHtml(message)}</p>` : '';
}
