import { describe, expect, it } from 'vitest';
import { parseForms } from './html-form.js';

describe('parseForms', () => {
  it('reads a POST form: action resolved against the page, inputs, hidden values, buttons', () => {
    const html = `<main><form method="get" action="/search"><input name="q"></form>
      <form method="post" action="/interaction/a1b2/login?x=1&amp;y=2">
        <input type="hidden" name="csrf" value="t&quot;k">
        <label>Username <input name="username" autocomplete="username"></label>
        <label>Password <input type=password name=password></label>
        <button type="submit" name="action" value="login"><span>Sign in</span></button>
      </form></main>`;
    const forms = parseForms(html, 'http://localhost:4000/interaction/a1b2');
    expect(forms).toHaveLength(1);
    expect(forms[0]).toEqual({
      action: 'http://localhost:4000/interaction/a1b2/login?x=1&y=2',
      inputNames: ['csrf', 'username', 'password'],
      hidden: { csrf: 't"k' },
      buttons: [{ text: 'Sign in', name: 'action', value: 'login' }],
    });
  });

  it('posts back to the page itself when the form has no action', () => {
    const forms = parseForms(
      '<form method="POST"><button>Allow</button></form>',
      'http://localhost:4000/i/1',
    );
    expect(forms[0]?.action).toBe('http://localhost:4000/i/1');
    expect(forms[0]?.buttons[0]).toEqual({ text: 'Allow', name: undefined, value: '' });
  });
});
