/** Where the auth server serves the pages' icon (CSP `img-src 'self'`); the API serves it under its own path. */
export const FAVICON_PATH = '/favicon.svg';

/**
 * A small shield in the accent colour, as SVG (one request, sharp at every size, no script, no external
 * reference). Browsers that ignore `<link rel="icon">` and ask for `/favicon.ico` get it too.
 */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<path d="M16 2 4 7v8c0 7.4 5.1 13.3 12 15 6.9-1.7 12-7.6 12-15V7z" fill="#3b5bdb"/>
<path d="m11 16 3.5 3.5L21.5 12" fill="none" stroke="#fff" stroke-width="2.6" stroke-linecap="round" stroke-linejoin="round"/>
</svg>
`;
