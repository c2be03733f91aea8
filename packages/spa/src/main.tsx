import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { currentPath } from './router/navigation';
import { restoreSession, skipRestore } from './session/session-state';
import './styles/base.css';
import './styles/layout.css';
import './styles/contacts.css';
import './styles/inspector.css';

// Back from the provider's logout page, the URL carries the logout request's `state` (OIDC RP-Initiated
// Logout 1.0, 3); it means nothing to the app, so keep the address bar clean.
if (currentPath() === '/' && new URLSearchParams(window.location.search).has('state')) {
  window.history.replaceState(null, '', '/');
}

// On /callback the code exchange decides the session; anywhere else, try the refresh cookie (silently).
if (currentPath() === '/callback') skipRestore();
else restoreSession();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
