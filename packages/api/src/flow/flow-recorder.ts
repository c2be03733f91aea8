import { redactUrl } from '@gatehouse/common';

import type { FlowStep } from '@gatehouse/contract';

export type { FlowStep };

/**
 * Collects the steps the API takes part in (1, 2, 7–10) for the flow inspector. Details go through
 * `redactUrl`, so codes, states, nonces, challenges and tokens are always masked. A recorder made with
 * `enabled` false (the inspector is off, as in production) records nothing and builds no detail text: every
 * sign-in passes through it twice, and its answers would carry no `flow` anyway.
 */
export class FlowRecorder {
  readonly steps: FlowStep[] = [];
  readonly #now: () => number;
  readonly #enabled: boolean;

  constructor(now: () => number, enabled: boolean) {
    this.#now = now;
    this.#enabled = enabled;
  }

  /** Runs `work` as step `step`, recording its duration and whether it failed. */
  async run<T>(
    meta: Pick<FlowStep, 'step' | 'from' | 'to' | 'label'>,
    detail: (result: T | undefined) => string,
    work: () => Promise<T>,
  ): Promise<T> {
    if (!this.#enabled) return work();
    const startedAt = this.#now();
    const started = performance.now();
    try {
      const result = await work();
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
    if (!this.#enabled) return;
    this.#push(meta, this.#now(), performance.now(), 'ok', detail);
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

function maskUrls(text: string): string {
  return text.replace(/https?:\/\/[^\s"']+/g, (url) => redactUrl(url));
}
