import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { currentPath } from './router/navigation';
import { restoreSession, skipRestore } from './session/session-state';
import './styles/base.css';
import './styles/layout.css';
import './styles/contacts.css';
import './styles/inspector.css';

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
