import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { TestServer } from '../../support/test-server.js';

/** Which official SDK plays the caller. */
export type ClientKind = 'openai' | 'anthropic';

/** The official `openai` client pointed at Auxot's OpenAI surface; never retries, so every call is one request. */
export function openAiClient(server: TestServer, apiKey: string = server.adminKey, basePath = '/api/openai/v1'): OpenAI {
  return new OpenAI({ baseURL: `${server.url}${basePath}`, apiKey, maxRetries: 0 });
}

/** The official `@anthropic-ai/sdk` client pointed at Auxot's Anthropic surface (no `/v1`, as Claude Code does). */
export function anthropicClient(server: TestServer, apiKey: string = server.adminKey, basePath = '/api/anthropic'): Anthropic {
  return new Anthropic({ baseURL: `${server.url}${basePath}`, apiKey, maxRetries: 0 });
}
