import { describe, expect, it } from 'vitest';
import { renderErrorPage } from './render-error-page.js';

describe('renderErrorPage', () => {
  it('escapes every value and links back to the application', () => {
    const html = renderErrorPage({
      title: 'A <b>title</b>',
      message: 'What "happened" & why',
      code: '<code>',
      back: { href: 'https://app.example/?a=1&b=2', label: 'Back to <app>' },
    });
    expect(html).toContain('<h1>A &lt;b&gt;title&lt;/b&gt;</h1>');
    expect(html).toContain('<p>What &quot;happened&quot; &amp; why</p>');
    expect(html).toContain('Error code: <code>&lt;code&gt;</code>');
    expect(html).toContain(
      '<a class="button" href="https://app.example/?a=1&amp;b=2">Back to &lt;app&gt;</a>',
    );
    expect(html).not.toContain('You can close this page.');
  });

  // A back link must never run script or leave for another origin by a trick: only http(s) URLs and same-origin paths.
  it('drops a back link that is not http(s) or a same-origin path, and says the page can be closed', () => {
    for (const href of [
      'javascript:alert(1)',
      'data:text/html,x',
      '//evil.example/',
      '/\\evil.example',
      'not a url',
    ]) {
      const html = renderErrorPage({ title: 'T', message: 'M', back: { href, label: 'Back' } });
      expect(html).not.toContain('<a ');
      expect(html).toContain('You can close this page.');
    }
    expect(renderErrorPage({ title: 'T', message: 'M', back: { href: '/', label: 'Back' } })).toContain(
      '<a class="button" href="/">Back</a>',
    );
  });

  it('loads its stylesheet and icon from the paths it is given', () => {
    const html = renderErrorPage({
      title: 'T',
      message: 'M',
      assets: { stylesheet: '/x/page.css', icon: '/x/icon.svg' },
    });
    expect(html).toContain('<link rel="stylesheet" href="/x/page.css">');
    expect(html).toContain('<link rel="icon" href="/x/icon.svg" type="image/svg+xml">');
    expect(html).not.toMatch(/<script|<style|style=/);
  });
});
