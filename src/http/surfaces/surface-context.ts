import type { Dialect } from '../../dialects/dialect.js';
import type { ChatService } from '../../gateway/chat-service.js';
import type { Authenticator } from '../../governance/authenticator.js';
import type { RequestLogWriter } from '../../governance/request-log-writer.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { ProviderRegistry } from '../../providers/provider-registry.js';
import type { RouteSource } from '../../routing/route-planner.js';

/** What the API surfaces share; built once by the composition root. */
export interface SurfaceContext {
  /** The organization this deployment serves. */
  orgId: string;
  authenticator: Authenticator;
  chatService: ChatService;
  requestLog: RequestLogWriter;
  providers: ProviderRegistry;
  routes: RouteSource & { names(): string[] };
  clock: Clock;
  logger: Logger;
  maxBodyBytes: number;
  newId(prefix: string): string;
}

export interface SurfaceDialect {
  dialect: Dialect;
  /** Name used in request records (`openai-chat`, `anthropic-messages`, ...). */
  surface: string;
}
