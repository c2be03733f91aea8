import { describe, expect, it } from 'vitest';
import { prefersHtml } from './prefers-html.js';

describe('prefersHtml', () => {
  it('is true for what browsers send when a person follows a link', () => {
    expect(prefersHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toBe(true);
    expect(prefersHtml('text/html')).toBe(true);
    expect(prefersHtml('text/*, application/json;q=0.5')).toBe(true);
  });

  it('is false for API clients, fetch, curl, a tie, and an explicit refusal of HTML', () => {
    for (const accept of [
      undefined,
      '',
      '*/*',
      'application/json',
      'text/html, application/json',
      'text/html;q=0, */*',
      'text/html;q=0.5, application/json',
      'text/html;q=nonsense',
    ]) {
      expect(prefersHtml(accept), String(accept)).toBe(false);
    }
  });
});
