import type { FlowStep } from '@gatehouse/browser';
import { Link } from '../router/link';
import { type FlowFailure, useFlow } from './flow-store';
import { SequenceDiagram } from './sequence-diagram';

/** The flow inspector: how the last sign-in in this tab went, step by step (docs/architecture.md numbering). */
export function InspectorPage() {
  const flow = useFlow();
  return (
    <section className="inspector" aria-labelledby="inspector-title">
      <h1 id="inspector-title">Flow inspector</h1>
      {flow && flow.steps.length > 0 ? (
        <>
          {flow.failure === undefined ? (
            <p className="lead">
              The sign-in you just completed: the SPA, this app's API and the auth server, in the ten steps of
              the OpenID Connect authorization code flow with PKCE.
            </p>
          ) : (
            <FailureSummary steps={flow.steps} failure={flow.failure} />
          )}
          <SequenceDiagram steps={flow.steps} />
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

/** What a developer needs of a refused sign-in: the step that failed, the check that refused, what it found. */
function FailureSummary({ steps, failure }: { steps: FlowStep[]; failure: FlowFailure }) {
  const failed = steps.find((step) => step.status === 'error');
  return (
    <div className="inspector__failure" role="alert" aria-labelledby="failure-title">
      <h2 id="failure-title">
        The sign-in failed{failed === undefined ? '' : ` at step ${failed.step}: ${failed.label}`}
      </h2>
      {failure.check !== undefined && (
        <p>
          Refused by the check <code className="inspector__check">{failure.check}</code>.
        </p>
      )}
      {failure.detail !== undefined && (
        <p>
          What it found: <code className="inspector__detail">{failure.detail}</code>
        </p>
      )}
      <p className="muted">{failure.message}</p>
    </div>
  );
}
