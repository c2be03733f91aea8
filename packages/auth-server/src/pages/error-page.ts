import { type BackLink, renderErrorPage } from '@gatehouse/common';
import { errorTextFor } from './error-text.js';

/**
 * Every error a person can see at the auth server: the code's plain sentence (pages/error-text.ts, never
 * library text or request input), the code itself to quote, and a link back to the application when it is known
 * (else "You can close this page."). `message` replaces the sentence where the page knows more (a wait).
 */
export function errorPage(input: { error: string; back?: BackLink | undefined; message?: string }): string {
  const text = errorTextFor(input.error);
  return renderErrorPage({
    title: text.title,
    message: input.message ?? text.message,
    code: input.error,
    ...(input.back ? { back: input.back } : {}),
  });
}
