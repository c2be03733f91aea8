import { Transform, type TransformCallback } from 'node:stream';
import { ApiError } from '../errors/api-error.js';

/**
 * A request body on its way to the upstream, counted as it streams: past `limit` bytes the stream fails (the
 * upstream's request is aborted) and {@link BodyLimit.exceeded} tells the gateway to answer 413. Nothing is
 * held beyond the chunk in flight and what stream back-pressure queues.
 */
export class BodyLimit extends Transform {
  readonly #limit: number;
  #seen = 0;
  exceeded = false;

  constructor(limit: number) {
    super();
    this.#limit = limit;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#seen += chunk.length;
    if (this.#seen > this.#limit) {
      this.exceeded = true;
      callback(tooLarge(this.#limit));
      return;
    }
    callback(null, chunk);
  }
}

/** `413 request_too_large`, naming the gateway's bound. */
export function tooLarge(limit: number): ApiError {
  return new ApiError('request_too_large', {
    description: `The request body is larger than the gateway forwards (UPSTREAM_BODY_LIMIT, ${limit} bytes).`,
  });
}
