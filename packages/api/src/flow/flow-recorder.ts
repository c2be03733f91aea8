import { NO_TRACING, redactUrl, type Tracing } from '@gatehouse/common';

import type { FlowStep } from '@gatehouse/contract';

export type { FlowStep };

/** The seed steps the API handles, as their spans name them (`gatehouse.step.name`). */
const STEP_NAMES: Readonly<Record<number, string>> = {
  1: 'login_request',
  2: 'authorization_url',
  7: 'callback_checks',
  8: 'token_request',
  9: 'id_token_validation',
  10: 'api_token',
};

/**
 * Collects the steps the API takes part in (1, 2, 7–10) for the flow inspector. Details go through
 * `redactUrl`, so codes, states, nonces, challenges and tokens are always masked. A recorder made with
 * `enabled` false (the inspector is off, as in production) records nothing and builds no detail text: every
 * sign-in passes through it twice, and its answers would carry no `flow` anyway. With tracing on, each step is
 * also a span (`gatehouse.step`, `gatehouse.step.name`), whatever the inspector: the provider calls it makes are
 * its children.
 */
export class FlowRecorder {
  readonly steps: FlowStep[] = [];
  readonly #now: () => number;
  readonly #enabled: boolean;
  readonly #tracing: Tracing;

  constructor(now: () => number, enabled: boolean, tracing: Tracing = NO_TRACING) {
    this.#now = now;
    this.#enabled = enabled;
    this.#tracing = tracing;
  }

  /** Runs `work` as step `step`, recording its duration and whether it failed. */
  async run<T>(
    meta: Pick<FlowStep, 'step' | 'from' | 'to' | 'label'>,
    detail: (result: T | undefined) => string,
    work: () => Promise<T>,
  ): Promise<T> {
    const traced = this.#tracing.enabled ? () => this.#traced(meta.step, work) : work;
    if (!this.#enabled) return traced();
    const startedAt = this.#now();
    const started = performance.now();
    try {
      const result = await traced();
      this.#push(meta, startedAt, started, 'ok', detail(result));
      return result;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      this.#push(
        meta,
        startedAt,
        started,
        'error',
        `${detail(undefined)} failed: ${typeof code === 'string' ? code : 'error'}`,
      );
      throw error;
    }
  }

  /** Records an instantaneous step. */
  mark(meta: Pick<FlowStep, 'step' | 'from' | 'to' | 'label'>, detail: string): void {
    if (this.#tracing.enabled) void this.#traced(meta.step, async () => undefined);
    if (!this.#enabled) return;
    this.#push(meta, this.#now(), performance.now(), 'ok', detail);
  }

  /** The step as a span: its number and name only, never the detail (which is for the inspector). */
  #traced<T>(step: number, work: () => Promise<T>): Promise<T> {
    const name = STEP_NAMES[step] ?? 'step';
    return this.#tracing.span(
      `gatehouse step ${step} ${name}`,
      {
        'gatehouse.step': step,
        'gatehouse.step.name': name,
      },
      work,
    );
  }

  #push(
    meta: Pick<FlowStep, 'step' | 'from' | 'to' | 'label'>,
    startedAt: number,
    started: number,
    status: FlowStep['status'],
    detail: string,
  ): void {
    this.steps.push({
      ...meta,
      started_at: startedAt,
      duration_ms: Math.round((performance.now() - started) * 10) / 10,
      status,
      detail: maskUrls(detail),
    });
  }
}

/** `text` with every URL in it redacted as the logs are (codes, states, tokens masked). */
export function maskUrls(text: string): string {
  return text.replace(/https?:\/\/[^\s"']+/g, (url) => redactUrl(url));
}
