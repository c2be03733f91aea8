import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchFrom } from './fetch-from.js';
import { requestFrom } from './request-from.js';

describe('requestFrom and fetchFrom', () => {
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        body += chunk;
      });
      req.on('end', () => {
        if (req.url === '/empty') {
          res.statusCode = 204;
          res.end();
          return;
        }
        res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; Path=/x']);
        res.end(
          JSON.stringify({
            from: req.socket.remoteAddress,
            method: req.method,
            length: req.headers['content-length'] ?? null,
            forwardedFor: req.headers['x-forwarded-for'] ?? null,
            body,
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends from the source address it is given, headers and body as written', async () => {
    const answer = await requestFrom(`${url}/`, {
      localAddress: '127.0.0.9',
      method: 'POST',
      headers: { 'x-forwarded-for': '203.0.113.1' },
      body: 'a=é',
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({
      from: '127.0.0.9',
      method: 'POST',
      length: '4',
      forwardedFor: '203.0.113.1',
      body: 'a=é',
    });
  });

  it('answers a fetch Response, every Set-Cookie kept, and rejects as fetch does when nothing answers', async () => {
    const send = fetchFrom('127.0.0.10');
    const response = await send(`${url}/`, {
      method: 'POST',
      headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      body: new URLSearchParams({ q: '1' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/x']);
    expect(await response.json()).toMatchObject({ from: '127.0.0.10', body: 'q=1' });
    expect((await send(`${url}/empty`)).status).toBe(204);
    await expect(send('http://127.0.0.1:1/')).rejects.toThrow(TypeError);
  });
});
