import type { FlowParty, FlowStep } from '@gatehouse/browser';
import { FlowArrow, PARTY_NAME } from './flow-arrow';

const PARTIES: FlowParty[] = ['spa', 'api', 'auth'];

/** The ten steps as a sequence diagram: three lifelines (SPA, API, auth server), one arrow per step. */
export function SequenceDiagram({ steps }: { steps: FlowStep[] }) {
  const origin = Math.min(...steps.map((step) => step.started_at));
  return (
    <figure className="sequence">
      <div className="sequence__heads" aria-hidden="true">
        {PARTIES.map((party) => (
          <span key={party} className="sequence__head">
            {PARTY_NAME[party]}
          </span>
        ))}
      </div>
      <div className="sequence__body">
        {PARTIES.map((party, index) => (
          <span
            key={party}
            className="sequence__lifeline"
            style={{ left: `${((index * 2 + 1) / 6) * 100}%` }}
            aria-hidden="true"
          />
        ))}
        <ol className="sequence__steps">
          {steps.map((step) => (
            <FlowArrow key={`${step.step}-${step.started_at}`} step={step} origin={origin} />
          ))}
        </ol>
      </div>
      <figcaption className="muted">
        Times are relative to step 1. Codes, states, nonces, verifiers and tokens are masked ([redacted]).
        Steps 1, 2 and 7–10 are measured by the API; 3–6 by this page.
      </figcaption>
    </figure>
  );
}
