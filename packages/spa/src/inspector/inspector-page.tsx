import { Link } from '../router/link';
import { useFlow } from './flow-store';
import { SequenceDiagram } from './sequence-diagram';

/** The flow inspector: how the last sign-in in this tab went, step by step (docs/architecture.md numbering). */
export function InspectorPage() {
  const flow = useFlow();
  return (
    <section className="inspector" aria-labelledby="inspector-title">
      <h1 id="inspector-title">Flow inspector</h1>
      {flow && flow.length > 0 ? (
        <>
          <p className="lead">
            The sign-in you just completed: the SPA, this app's API and the auth server, in the ten steps of
            the OpenID Connect authorization code flow with PKCE.
          </p>
          <SequenceDiagram steps={flow} />
        </>
      ) : (
        <p className="muted">
          No sign-in recorded in this tab. The inspector shows the steps of a sign-in right after it happens
          (when the server has it on). <Link to="/">Back to the start page</Link>.
        </p>
      )}
    </section>
  );
}
