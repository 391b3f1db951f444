import { z } from 'zod';
import { defineOperation, type AnyOperation } from '../operation.js';
import { putSecretInput, secretRefInput, type SecretService } from '../secrets/secret-service.js';

/** The secrets store: names, scopes and last use are listed; values are accepted and never returned. */
export function secretOperations(secrets: SecretService): AnyOperation[] {
  return [
    defineOperation({ id: 'secrets.list', summary: 'List secrets: names, scopes and last use, never values', kind: 'read', input: z.object({}).strict(), run: (actor) => secrets.list(actor) }),
    defineOperation({
      id: 'secrets.put',
      summary: 'Create or replace a secret (owners and admins any scope, team admins their team’s, people their own); the value is never returned',
      kind: 'change',
      input: putSecretInput,
      run: (actor, input) => secrets.put(actor, input),
    }),
    defineOperation({ id: 'secrets.delete', summary: 'Delete a secret', kind: 'change', input: secretRefInput, run: (actor, input) => secrets.delete(actor, input) }),
  ];
}
