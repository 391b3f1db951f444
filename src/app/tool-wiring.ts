import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { GovernanceContext } from '../management/governance/context.js';
import type { AnyOperation } from '../management/operation.js';
import { secretOperations } from '../management/operations/secret-operations.js';
import { SecretService } from '../management/secrets/secret-service.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { SecretVault } from '../secrets/secret-vault.js';

export interface ToolParts {
  context: GovernanceContext;
  box: SecretBox;
  clock: Clock;
  logger: Logger;
}

export interface ToolWiring {
  vault: SecretVault;
  operations: AnyOperation[];
  close(): Promise<void>;
}

/** Builds what agents' tools need: the secrets store, and the operations that manage it. */
export function wireTools(parts: ToolParts): ToolWiring {
  const { context, box, clock, logger } = parts;
  const vault = new SecretVault(context.store.secrets, box, clock, (error) => logger.warn('recording a secret’s last use failed', { error: String(error) }));
  const operations = secretOperations(new SecretService(context, vault));
  return { vault, operations, close: async () => undefined };
}
