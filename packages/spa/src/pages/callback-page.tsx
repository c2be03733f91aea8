import { type CallbackResult, GatehouseError } from '@gatehouse/browser';
import { useEffect, useState } from 'react';
import { gatehouse } from '../gatehouse';
import { setFlow, useFlow } from '../inspector/flow-store';
import { Link } from '../router/link';
import { navigate } from '../router/navigation';
import { describeError } from '../ui/describe-error';
import { ErrorAlert } from '../ui/error-alert';

// The authorization response is single use: run the exchange once per page load, even when React mounts the
// page twice (StrictMode in development).
let exchange: Promise<CallbackResult> | null = null;

/** Step 6: the auth server sent the browser back here; finish the sign-in through the API (step 7). */
export function CallbackPage() {
  const [error, setError] = useState<string | null>(null);
  const failedFlow = useFlow()?.failure !== undefined;
  useEffect(() => {
    exchange ??= gatehouse.handleCallback();
    let active = true;
    exchange.then(
      (result) => {
        if (!active) return;
        setFlow(result.flow);
        navigate(result.returnTo, { replace: true });
      },
      (cause: unknown) => {
        if (!active) return;
        // The inspector shows failures too, when the API sent its steps (inspector on).
        if (cause instanceof GatehouseError && cause.flow !== undefined) {
          setFlow(cause.flow, {
            check: cause.failedCheck,
            detail: cause.failureDetail,
            message: describeError(cause),
          });
        }
        setError(describeError(cause));
      },
    );
    return () => {
      active = false;
    };
  }, []);
  return (
    <section className="card callback" aria-labelledby="callback-title" aria-busy={error === null}>
      <h1 id="callback-title">{error === null ? 'Signing you in…' : 'Sign-in failed'}</h1>
      {error === null ? (
        <p className="muted">
          <span className="spinner" aria-hidden="true" /> Exchanging the authorization code through the API.
        </p>
      ) : (
        <>
          <ErrorAlert message={error} />
          {failedFlow && (
            <p>
              <Link to="/inspector">See which step failed in the flow inspector</Link>.
            </p>
          )}
          <p>
            <Link to="/">Back to the start page</Link> and try again.
          </p>
        </>
      )}
    </section>
  );
}
