import { createServer, type Server } from 'node:http';
import { freePort } from '@gatehouse/common/testing';
import { allowInsecureRequests, customFetch, discovery } from 'openid-client';
import { afterEach, describe, expect, it } from 'vitest';
import { describeProviderFailure } from './describe-provider-failure.js';
import { createProviderFetch } from './provider-fetch.js';

/** What openid-client's discovery throws against `issuer`, through the API's own provider fetch. */
async function discoveryFailure(issuer: string): Promise<unknown> {
  const http = createProviderFetch({ timeoutMs: 2000 });
  try {
    await discovery(new URL(issuer), 'client', {}, undefined, {
      execute: [allowInsecureRequests],
      [customFetch]: http.fetch,
    });
  } catch (error) {
    return error;
  } finally {
    http.close();
  }
  throw new Error('discovery succeeded');
}

describe('describeProviderFailure', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  // Regression: the log said "something went wrong" (openid-client's wrapper) for a provider that was down.
  it('says "connection refused" for a provider that is not listening', async () => {
    const failure = await discoveryFailure(`http://127.0.0.1:${await freePort()}`);
    expect((failure as Error).message).toBe('something went wrong');
    expect(describeProviderFailure(failure)).toBe('connection refused');
  });

  it('gives the status a provider answered with', async () => {
    server = createServer((_request, response) => {
      response.statusCode = 404;
      response.end('no such page');
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    expect(describeProviderFailure(await discoveryFailure(`http://127.0.0.1:${port}`))).toBe(
      'HTTP 404 from the provider',
    );
  });

  it('keeps the message of anything else', () => {
    expect(describeProviderFailure(new Error('the provider publishes no jwks_uri'))).toBe(
      'the provider publishes no jwks_uri',
    );
  });
});
