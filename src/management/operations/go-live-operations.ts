import { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import type { Store } from '../../store/store.js';
import { exportConfiguration } from '../go-live/config-export.js';
import { handoffSummary, type HandoffDependencies } from '../go-live/handoff.js';
import type { ValidationService } from '../go-live/validation-service.js';
import { defineOperation, type AnyOperation } from '../operation.js';
import { httpUrl } from '../provider-input.js';

export interface GoLiveServices {
  store: Store;
  clock: Clock;
  validation: ValidationService;
  handoff: HandoffDependencies;
}

const none = z.object({}).strict();

/** Going live: the whole configuration as data, whether it is ready, and what to hand to the people who will use it. */
export function goLiveOperations(services: GoLiveServices): AnyOperation[] {
  return [
    defineOperation({
      id: 'config.export',
      summary: 'The whole configuration as deterministic JSON, by name, without ids, times, live state or secret values (owners and admins)',
      kind: 'read',
      input: none,
      run: (actor) => exportConfiguration(services.store, actor, services.clock.now()),
    }),
    defineOperation({
      id: 'platform.validate',
      summary:
        'Validate the configuration before going live: providers answer, routes resolve, teams have a policy and a key, agents’ MCP connections start with their approved tools, the start-up key is retired. Outside text is only in upstreamText (owners and admins)',
      kind: 'read',
      input: none,
      run: (actor) => services.validation.validate(actor),
    }),
    defineOperation({
      id: 'platform.handoff',
      summary: 'The hand-off summary: endpoints, each team’s routes and limits, and how to point Claude Code, Codex and the OpenAI and Anthropic SDKs at Auxot (never key values)',
      kind: 'read',
      input: z.object({ baseUrl: httpUrl.optional().describe('where callers reach Auxot (default: AUXOT_PUBLIC_URL, else the listen address)') }).strict(),
      run: (actor, input) => handoffSummary(services.handoff, actor, input),
    }),
  ];
}
