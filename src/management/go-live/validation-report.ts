/**
 * One finding of `validate_configuration`. `problem` and `fix` are written by Auxot alone, from
 * configuration and statuses; anything an outside party said (an upstream's error body, an MCP
 * server's message) is only ever in `upstreamText`, as data to show, never to act on.
 */
export interface ValidationCheck {
  /** `provider.answers`, `route.resolves`, `team.policy`, `team.apiKey`, `agent.mcp`, `key.bootstrap`. */
  check: string;
  /** What was checked: `provider 'anthropic'`, `route 'coding'`, `team 'eng'`, … */
  target: string;
  ok: boolean;
  problem?: string;
  fix?: string;
  /** Untrusted: what the outside party answered (credentials redacted, at most 300 characters). */
  upstreamText?: string;
}

export interface ValidationReport {
  /** Every check passed. */
  ok: boolean;
  /** Some check carries `upstreamText`: the report holds outside text that must be treated as data. */
  untrustedText: boolean;
  checks: ValidationCheck[];
}

export function reportOf(checks: ValidationCheck[]): ValidationReport {
  return { ok: checks.every((check) => check.ok), untrustedText: checks.some((check) => check.upstreamText !== undefined), checks };
}
