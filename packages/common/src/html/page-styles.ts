/** Where the auth server serves the pages' stylesheet (CSP `style-src 'self'`); the API serves it under its own path. */
export const STYLESHEET_PATH = '/assets/gatehouse.css';

/** The one stylesheet: system fonts only (nothing fetched from another origin), light and dark schemes. */
export const STYLESHEET = `:root {
  color-scheme: light dark;
  --bg: #f4f5f7; --card: #ffffff; --text: #1b1f24; --muted: #5b6470; --border: #d7dbe0;
  --accent: #3b5bdb; --accent-text: #ffffff; --danger: #c92a2a; --focus: #91a7ff;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #111418; --card: #1b1f24; --text: #e8eaed; --muted: #a0a8b3; --border: #343a42;
    --accent: #748ffc; --accent-text: #0b0d10; --danger: #ff8787; --focus: #4c6ef5; }
}
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: var(--bg); color: var(--text);
  line-height: 1.5; padding: 1.5rem; }
main { width: 100%; max-width: 24rem; background: var(--card); border: 1px solid var(--border); border-radius: 14px;
  padding: 2rem; box-shadow: 0 10px 30px rgb(0 0 0 / 0.08); }
.brand { margin: 0 0 1.25rem; font-size: 0.85rem; font-weight: 600; letter-spacing: 0.08em; text-transform: uppercase;
  color: var(--muted); }
h1 { margin: 0 0 0.5rem; font-size: 1.5rem; line-height: 1.2; }
p { margin: 0 0 1rem; color: var(--muted); }
form { display: grid; gap: 1rem; margin: 0; }
label { display: grid; gap: 0.35rem; font-weight: 600; font-size: 0.95rem; }
input { font: inherit; padding: 0.65rem 0.75rem; border: 1px solid var(--border); border-radius: 8px;
  background: var(--bg); color: var(--text); width: 100%; }
input:focus-visible, button:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
button { font: inherit; font-weight: 600; padding: 0.7rem 1rem; border-radius: 8px; border: 1px solid transparent;
  background: var(--accent); color: var(--accent-text); cursor: pointer; width: 100%; }
button.secondary { background: transparent; color: var(--text); border-color: var(--border); }
a { color: var(--accent); }
a.button { display: block; text-align: center; text-decoration: none; font-weight: 600; padding: 0.7rem 1rem;
  border-radius: 8px; background: var(--accent); color: var(--accent-text); }
a:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.code { font-size: 0.85rem; }
.actions { display: grid; gap: 0.6rem; }
.alert { border: 1px solid var(--danger); color: var(--danger); border-radius: 8px; padding: 0.6rem 0.75rem;
  margin: 0 0 1rem; }
ul.scopes { margin: 0 0 1rem; padding-left: 1.2rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; overflow-wrap: anywhere; }
.alternative { display: grid; gap: 0.6rem; margin-top: 1.25rem; padding-top: 1.25rem; border-top: 1px solid var(--border); }
h2 { font-size: 1.1rem; margin: 1.75rem 0 0.5rem; }
section { margin-bottom: 1.25rem; }
table { width: 100%; border-collapse: collapse; margin: 0 0 1rem; font-size: 0.9rem; }
th, td { text-align: left; padding: 0.4rem 0.3rem; border-bottom: 1px solid var(--border); vertical-align: top; }
ol.codes { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 1.05rem; padding-left: 1.6rem; }
.qr svg { width: 12rem; height: 12rem; background: #fff; padding: 0.5rem; border-radius: 8px; }
.row { display: grid; grid-template-columns: 1fr auto; gap: 0.5rem; align-items: end; }
.row button { width: auto; }
`;
