import { ContactsPage } from './contacts/contacts-page';
import { InspectorNotice } from './inspector/inspector-notice';
import { InspectorPage } from './inspector/inspector-page';
import { Header } from './layout/header';
import { CallbackPage } from './pages/callback-page';
import { NotFoundPage } from './pages/not-found-page';
import { WelcomePage } from './pages/welcome-page';
import { usePath } from './router/use-path';
import { useSession } from './session/session-state';

function Main() {
  const path = usePath();
  const session = useSession();
  if (path === '/callback') return <CallbackPage />;
  if (session.status === 'loading') {
    return (
      <p className="muted loading" aria-busy="true">
        <span className="spinner" aria-hidden="true" /> Loading…
      </p>
    );
  }
  // A refused sign-in leaves the visitor signed out: the inspector still shows where it failed.
  if (path === '/inspector' && session.status === 'signed-out') return <InspectorPage />;
  // Signed out, the app's own pages show the welcome page (with its sign-in button); any other path is not found.
  if (!KNOWN_PATHS.has(path)) return <NotFoundPage />;
  if (session.status === 'signed-out')
    return <WelcomePage restoreError={session.error} notice={session.notice} />;
  switch (path) {
    case '/':
    case '/contacts':
      return (
        <>
          <InspectorNotice />
          <ContactsPage />
        </>
      );
    case '/inspector':
      return <InspectorPage />;
    default:
      return <NotFoundPage />;
  }
}

/** The paths the app serves (besides /callback). */
const KNOWN_PATHS = new Set(['/', '/contacts', '/inspector']);

/** The demo app: a header, then the page for the current path and session. */
export function App() {
  const session = useSession();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header session={session} />
      <main id="main" className="main">
        <Main />
      </main>
      <footer className="footer muted">
        Gatehouse · OpenID Connect for single-page apps · tokens in memory, refresh in an HttpOnly cookie
      </footer>
    </>
  );
}
