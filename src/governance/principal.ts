import type { Role } from '../store/records.js';

/** Interactive callers are served before batch callers when capacity is short. */
export type ServiceClass = 'interactive' | 'batch';

/**
 * Who is calling, as established by authentication. Travels with every request so that routing,
 * limits and audit can act on it; teams and policies will join it.
 */
export interface Principal {
  orgId: string;
  keyId: string;
  keyName: string;
  role: Role;
  serviceClass: ServiceClass;
}

export function canAdminister(principal: Principal): boolean {
  return principal.role === 'owner' || principal.role === 'admin';
}
