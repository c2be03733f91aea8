import type { FlowParty, FlowStep } from '@gatehouse/browser';
import { formatDuration } from './format-duration';

const LANE: Record<FlowParty, number> = { spa: 0, api: 1, auth: 2 };
export const PARTY_NAME: Record<FlowParty, string> = { spa: 'SPA', api: 'API', auth: 'Auth server' };

/**
 * One step as an arrow between two lifelines. The row is a six-column grid; lifeline k sits on grid line
 * 2k + 2, so the arrow spans from the sender's line to the receiver's.
 */
export function FlowArrow({ step, origin }: { step: FlowStep; origin: number }) {
  const from = LANE[step.from];
  const to = LANE[step.to];
  const start = Math.min(from, to) * 2 + 2;
  const end = Math.max(from, to) * 2 + 2;
  const direction = to >= from ? 'right' : 'left';
  return (
    <li className={`flow-step flow-step--${step.status}`}>
      <div className="flow-step__arrow" style={{ gridColumn: `${start} / ${end}` }}>
        <span className="flow-step__label">
          <span className="flow-step__number" aria-hidden="true">
            {step.step}
          </span>
          <span className="visually-hidden">
            Step {step.step}, {PARTY_NAME[step.from]} to {PARTY_NAME[step.to]}:{' '}
          </span>
          {step.label}
        </span>
        <span className={`flow-step__line flow-step__line--${direction}`} aria-hidden="true" />
      </div>
      <div className="flow-step__meta">
        <span>+{formatDuration(Math.max(0, step.started_at - origin))}</span>
        <span>{formatDuration(step.duration_ms)}</span>
        <span className={`badge badge--${step.status}`}>{step.status === 'ok' ? 'OK' : 'Error'}</span>
        <code className="flow-step__detail">{step.detail}</code>
      </div>
    </li>
  );
}
