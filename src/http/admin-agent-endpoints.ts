import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AdminConversations } from '../admin-agent/admin-conversations.js';
import { GatewayError } from '../canonical/gateway-error.js';
import type { Authenticator } from '../governance/authenticator.js';
import type { Principal } from '../governance/principal.js';
import { parseInput } from '../management/validation.js';
import type { ExtraRoute } from './admin/openapi.js';
import { jsonObject } from './admin/operation-route.js';
import { callerKey } from './caller-key.js';
import type { Router } from './router.js';
import { sendAdminError, sendJson } from './send.js';

const BASE = '/api/admin/agent/conversations';

export const messageInput = z.object({ content: z.string().min(1).max(64 * 1024).describe('what the person says'), stream: z.boolean().default(false).describe('answer as server-sent events') }).strict();
export const confirmInput = z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/).describe("the plan's hash as it was shown: a changed plan needs a new confirmation") }).strict();
export const secretInput = z.object({ value: z.string().min(1).max(64 * 1024).describe('the secret value; stored sealed, never shown to the agent or kept in the transcript') }).strict();
const none = z.object({}).strict();

/**
 * The conversation API of the Admin Agent (the terminal client and the web console use it). Plain
 * JSON, except a message sent with `stream: true`, which answers as server-sent events; hanging up
 * cancels the turn.
 */
export function registerAdminAgentRoutes(router: Router, authenticator: Authenticator, conversations: AdminConversations): void {
  const route = (method: string, path: string, handle: (principal: Principal, body: Record<string, unknown>, params: Record<string, string>, request: IncomingMessage, response: ServerResponse) => Promise<void>): void => {
    router.on(method, path, async (request, response, params) => {
      try {
        const principal = await authenticator.authenticate(callerKey(request.headers));
        const body = method === 'GET' ? {} : await jsonObject(request);
        await handle(principal, body, params, request, response);
      } catch (thrown) {
        if (!(thrown instanceof GatewayError)) throw thrown;
        if (response.headersSent) return void response.end();
        sendAdminError(response, thrown);
      }
    });
  };
  const param = (params: Record<string, string>, name: string): string => params[name] ?? '';

  route('POST', BASE, async (principal, body, _params, _request, response) => {
    parseInput(none, body);
    sendJson(response, 201, await conversations.create(principal));
  });
  route('GET', BASE, async (principal, _body, _params, _request, response) => sendJson(response, 200, { data: await conversations.list(principal) }));
  route('GET', `${BASE}/:conversation`, async (principal, _body, params, _request, response) => sendJson(response, 200, await conversations.get(principal, param(params, 'conversation'))));
  route('POST', `${BASE}/:conversation/messages`, async (principal, body, params, request, response) => {
    const input = parseInput(messageInput, body);
    const id = param(params, 'conversation');
    const hangUp = new AbortController();
    // A hang-up before the answer is done cancels the turn (the model call and any tool call in flight).
    response.on('close', () => {
      if (!response.writableFinished) hangUp.abort();
    });
    if (!input.stream) {
      sendJson(response, 200, await conversations.send(principal, id, input.content, hangUp.signal));
      return;
    }
    await conversations.get(principal, id);
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const event = (name: string, data: unknown): void => void response.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    try {
      const result = await conversations.send(principal, id, input.content, hangUp.signal, {
        onText: (delta) => event('text', { delta }),
        onTool: (tool) => event('tool', tool),
        onNotice: (text) => event('notice', { text }),
      });
      if (result.plan !== undefined) event('plan', result.plan);
      event('done', result);
    } catch (thrown) {
      const error = thrown instanceof GatewayError ? thrown : new GatewayError('internal', 'The turn failed');
      event('error', { error: { type: error.code, message: error.message } });
    }
    response.end();
  });
  route('POST', `${BASE}/:conversation/plans/:plan/confirm`, async (principal, body, params, _request, response) => {
    const { hash } = parseInput(confirmInput, body);
    sendJson(response, 200, await conversations.confirm(principal, param(params, 'conversation'), param(params, 'plan'), hash));
  });
  route('POST', `${BASE}/:conversation/plans/:plan/reject`, async (principal, body, params, _request, response) => {
    parseInput(none, body);
    sendJson(response, 200, await conversations.reject(principal, param(params, 'conversation'), param(params, 'plan')));
  });
  route('PUT', `${BASE}/:conversation/secrets/:slot`, async (principal, body, params, _request, response) => {
    const { value } = parseInput(secretInput, body);
    await conversations.putSecret(principal, param(params, 'conversation'), param(params, 'slot'), value);
    response.writeHead(204).end();
  });
  route('POST', `${BASE}/:conversation/undo`, async (principal, body, params, _request, response) => {
    parseInput(none, body);
    sendJson(response, 200, { plan: await conversations.undo(principal, param(params, 'conversation')) });
  });
}

/** The conversation routes as the OpenAPI document lists them. */
export const ADMIN_AGENT_ROUTES: ExtraRoute[] = [
  { method: 'POST', path: BASE, summary: 'Start a conversation with the Admin Agent', body: none, responses: { '201': { description: 'The conversation' } } },
  { method: 'GET', path: BASE, summary: "List the caller's Admin Agent conversations", responses: { '200': { description: 'The conversations' } } },
  { method: 'GET', path: `${BASE}/{conversation}`, summary: 'Show a conversation: messages and plans', responses: { '200': { description: 'The conversation' } } },
  { method: 'POST', path: `${BASE}/{conversation}/messages`, summary: 'Send a message; the answer may carry a plan (stream: true answers as server-sent events)', body: messageInput, responses: { '200': { description: 'The turn', content: { 'application/json': {}, 'text/event-stream': {} } } } },
  { method: 'POST', path: `${BASE}/{conversation}/plans/{plan}/confirm`, summary: 'Apply the current plan, confirmed by its hash', body: confirmInput, responses: { '200': { description: 'What was applied, and keys delivered once' }, '409': { description: 'The plan changed or is not the current one' } } },
  { method: 'POST', path: `${BASE}/{conversation}/plans/{plan}/reject`, summary: 'Reject the current plan', body: none, responses: { '200': { description: 'The rejected plan' } } },
  { method: 'PUT', path: `${BASE}/{conversation}/secrets/{slot}`, summary: "Enter a secret slot's value out of band", body: secretInput, responses: { '204': { description: 'Stored sealed' } } },
  { method: 'POST', path: `${BASE}/{conversation}/undo`, summary: 'Propose the inverse of the last applied plan', body: none, responses: { '200': { description: 'The undo plan' } } },
];
