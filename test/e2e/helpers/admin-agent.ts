import type { RecordedRequest, Scenario } from '../../support/mock-upstreams/index.js';
import type { TestServer } from '../../support/test-server.js';
import { adminAs } from './governance.js';

/** One step of a scripted model: the tool calls it makes, or (last) the text it answers with. */
export interface ScriptStep {
  calls?: Array<{ name: string; args: Record<string, unknown> }>;
  text?: string;
}

type WireMessage = { role: string; content?: unknown; tool_calls?: unknown[] };
const messagesOf = (request: RecordedRequest): WireMessage[] => (request.body as { messages: WireMessage[] }).messages;
const textOf = (message: WireMessage | undefined): string => (typeof message?.content === 'string' ? message.content : JSON.stringify(message?.content ?? ''));

/** The person's last message in a model request, and the tool results the agent has had since. */
export function turnOf(request: RecordedRequest): { said: string; step: number; results: string[] } {
  const messages = messagesOf(request);
  const lastUser = messages.findLastIndex((message) => message.role === 'user');
  const since = messages.slice(lastUser + 1);
  return {
    said: textOf(messages[lastUser]),
    step: since.filter((message) => message.role === 'assistant').length,
    results: since.filter((message) => message.role === 'tool').map(textOf),
  };
}

/**
 * A model scripted the way a capable one would act: for the person's message (matched by a
 * phrase in it), the tool calls of each step in turn, then its answer.
 */
export function scriptedModel(scripts: Array<{ when: string | RegExp; steps: ScriptStep[] }>, fallback = 'I can help with providers, routes, teams, keys and agents.'): (request: RecordedRequest) => Scenario {
  return (request) => {
    const { said, step } = turnOf(request);
    const script = scripts.find(({ when }) => (typeof when === 'string' ? said.includes(when) : when.test(said)));
    const next = script?.steps[step] ?? { text: fallback };
    if (next.calls !== undefined && next.calls.length > 0) {
      return { kind: 'turn', turn: { toolCalls: next.calls.map((call) => ({ name: call.name, arguments: JSON.stringify(call.args) })), usage: { input: 50, output: 10 } } };
    }
    return { kind: 'turn', turn: { text: next.text ?? fallback, usage: { input: 50, output: 10 } } };
  };
}

/** A conversation with the Admin Agent through its API, as one key. */
export class AdminChat {
  id = '';

  constructor(
    private readonly server: TestServer,
    private readonly key: string = server.adminKey,
  ) {}

  async start(): Promise<this> {
    const created = await this.call('POST', '/api/admin/agent/conversations', {}, 201);
    this.id = created.id;
    return this;
  }

  say(content: string): Promise<any> {
    return this.call('POST', `/api/admin/agent/conversations/${this.id}/messages`, { content });
  }

  enterSecret(slot: string, value: string): Promise<any> {
    return this.call('PUT', `/api/admin/agent/conversations/${this.id}/secrets/${slot}`, { value }, 204);
  }

  confirm(plan: { id: string; hash: string }): Promise<any> {
    return this.call('POST', `/api/admin/agent/conversations/${this.id}/plans/${plan.id}/confirm`, { hash: plan.hash });
  }

  async undo(): Promise<any> {
    return (await this.call('POST', `/api/admin/agent/conversations/${this.id}/undo`, {})).plan;
  }

  transcript(): Promise<any> {
    return this.call('GET', `/api/admin/agent/conversations/${this.id}`);
  }

  /** A raw call: status and body, for refusals. */
  raw(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    return adminAs(this.server, this.key, method, path.replace(':id', this.id), body);
  }

  private async call(method: string, path: string, body?: unknown, status = 200): Promise<any> {
    const answer = await adminAs(this.server, this.key, method, path, body);
    if (answer.status !== status) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }
}

/** Makes the Admin Agent think with the test's scripted model. */
export async function tuneAdminAgent(server: TestServer, model: string): Promise<void> {
  const answer = await server.admin('PUT', '/api/admin/agents/admin', { model, personality: 'You are the Admin Agent.', maxSteps: 8 });
  if (answer.status !== 200) throw new Error(`tuning the Admin Agent: ${answer.status} ${JSON.stringify(answer.body)}`);
}
