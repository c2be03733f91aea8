import { useState } from 'react';
import { gatehouse } from '../gatehouse';
import { describeError } from '../ui/describe-error';
import { ErrorAlert } from '../ui/error-alert';

/** Ends the session in every tab, then visits the auth server's logout page. */
export function LogoutButton() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onClick = () => {
    setBusy(true);
    setError(null);
    gatehouse.logout().catch((cause: unknown) => {
      setBusy(false);
      setError(describeError(cause));
    });
  };
  return (
    <>
      <button type="button" className="button button--ghost" onClick={onClick} disabled={busy}>
        {busy ? 'Logging out…' : 'Log out'}
      </button>
      <ErrorAlert message={error} />
    </>
  );
}
