import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../canonical/gateway-error.js';
import { createLogger } from '../platform/logger.js';
import { createDispatcher } from './dispatcher.js';
import { Router } from './router.js';
import { sendAdminError } from './send.js';

describe('the request dispatcher', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
    server = undefined;
  });

  async function serve(router: Router): Promise<{ url: string; logged: string[] }> {
    const logged: string[] = [];
    const handler = createDispatcher(router, { logger: createLogger((line) => logged.push(line)), sendError: (response, _path, error) => sendAdminError(response, error) });
    server = createServer(handler);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, logged };
  }

  it('answers 500 for handlers that throw, synchronously or not, logs the stack, and keeps serving', async () => {
    const router = new Router()
      .on('GET', '/sync', () => {
        throw new TypeError('sync bug');
      })
      .on('GET', '/async', async () => {
        await Promise.resolve();
        throw new RangeError('async bug');
      })
      .on('GET', '/refused', () => {
        throw new GatewayError('forbidden', 'not for you');
      })
      .on('GET', '/ok', (_request, response) => void response.end('fine'));
    const { url, logged } = await serve(router);

    for (const path of ['/sync', '/async']) {
      const response = await fetch(url + path);
      expect(response.status).toBe(500);
      const body = (await response.json()) as { error: { type: string; message: string } };
      expect(body.error.type).toBe('internal');
      // The caller learns nothing of the program's insides.
      expect(body.error.message).not.toMatch(/bug/);
    }
    expect(logged.some((line) => line.includes('sync bug') && line.includes('at '))).toBe(true);
    expect(logged.some((line) => line.includes('async bug') && line.includes('at '))).toBe(true);

    const refused = await fetch(`${url}/refused`);
    expect(refused.status).toBe(403);
    expect(logged.filter((line) => line.includes('not for you'))).toEqual([]);
    expect(await (await fetch(`${url}/ok`)).text()).toBe('fine');
  });

  it('cuts an answer whose handler fails after the headers went out, rather than leave it hanging', async () => {
    const router = new Router().on('GET', '/half', async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('partial');
      await Promise.resolve();
      throw new Error('late bug');
    });
    const { url } = await serve(router);
    const response = await fetch(`${url}/half`);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it('tells a wrong method (405) from an unknown path (404), for parameterized paths too', async () => {
    const router = new Router().on('GET', '/things/:id', (_request, response) => void response.end('thing'));
    const { url } = await serve(router);
    expect((await fetch(`${url}/things/a`, { method: 'DELETE' })).status).toBe(405);
    expect((await fetch(`${url}/nothing`)).status).toBe(404);
    expect((await fetch(`${url}/things/%E0%A4%A`)).status).toBe(400);
  });
});
