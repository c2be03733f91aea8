import { useState } from 'react';
import { gatehouse } from '../gatehouse';
import { currentPath } from '../router/navigation';
import { describeError } from '../ui/describe-error';
import { ErrorAlert } from '../ui/error-alert';

/** Signed out: what Gatehouse is, and the way in; after a logout, says so first. */
export function WelcomePage({
  restoreError,
  notice,
}: {
  restoreError: string | null;
  notice: string | null;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const logIn = () => {
    setBusy(true);
    setError(null);
    const path = currentPath();
    // Come back to the page that asked for a sign-in (the API checks it is one of ours).
    gatehouse.login(path === '/' ? {} : { returnTo: path }).catch((cause: unknown) => {
      setBusy(false);
      setError(describeError(cause));
    });
  };
  return (
    <section className="welcome" aria-labelledby="welcome-title">
      {notice === null ? null : (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <h1 id="welcome-title">Secure sign-in for your single-page app</h1>
      <p className="lead">
        Gatehouse signs people in to this app through OpenID Connect. The app asks its API for a login URL,
        you sign in on the auth server with your password (and a one-time code, if your account has one), and
        the API exchanges the result for a short-lived token of its own. The provider's tokens and the client
        secret never reach your browser; this page keeps its token in memory only and a cookie it cannot read
        keeps you signed in across reloads.
      </p>
      <button type="button" className="button button--primary button--large" onClick={logIn} disabled={busy}>
        {busy ? 'Redirecting…' : 'Log in'}
      </button>
      <ErrorAlert message={error ?? restoreError} />
    </section>
  );
}
