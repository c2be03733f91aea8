import { useFlow } from '../inspector/flow-store';
import { Link } from '../router/link';
import type { SessionSnapshot } from '../session/session-state';
import { LogoutButton } from './logout-button';

/** Top bar: the app's name, navigation when signed in, and who is signed in. */
export function Header({ session }: { session: SessionSnapshot }) {
  const flow = useFlow();
  const { user } = session;
  return (
    <header className="header">
      <div className="header__inner">
        <Link to="/" className="brand">
          <img src="/favicon.svg" alt="" width="28" height="28" />
          <span>Gatehouse</span>
        </Link>
        {user && (
          <nav className="nav" aria-label="Main">
            <Link to="/contacts">Contacts</Link>
            {flow && <Link to="/inspector">Flow inspector</Link>}
          </nav>
        )}
        {user && (
          <div className="account">
            <div className="account__who">
              <span className="account__name">{user.name ?? user.sub}</span>
              {user.email && <span className="account__email">{user.email}</span>}
            </div>
            <LogoutButton />
          </div>
        )}
      </div>
    </header>
  );
}
