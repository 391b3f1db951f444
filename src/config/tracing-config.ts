import type { ConfigSource } from './server-config.js';

/** OpenTelemetry tracing, configured with the standard OTEL_* variables. */
export interface TracingConfig {
  /** The OTLP/HTTP traces URL spans are posted to. */
  url: string;
  /** Sent with every export (a vendor's API key often goes here); never logged. */
  headers: Record<string, string>;
  /** `service.name` and the other resource attributes. */
  resource: Record<string, string>;
  sampler: TraceSampler;
  /** Longest a finished span waits before it is exported (OTEL_BSP_SCHEDULE_DELAY). */
  exportDelayMs: number;
  exportTimeoutMs: number;
}

export type TraceSampler = { kind: 'always_on' | 'always_off'; parentBased: boolean } | { kind: 'traceidratio'; parentBased: boolean; ratio: number };

const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;

/**
 * Tracing is on when an OTLP endpoint is set (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is, or
 * OTEL_EXPORTER_OTLP_ENDPOINT plus `/v1/traces`, as the specification says) and not switched off
 * by OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none. Spans go out as OTLP/HTTP JSON.
 * https://opentelemetry.io/docs/specs/otel/protocol/exporter/
 */
export function loadTracingConfig(env: ConfigSource): { config: TracingConfig | undefined; problems: string[] } {
  const problems: string[] = [];
  const tracesEndpoint = value(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  const endpoint = value(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (tracesEndpoint === undefined && endpoint === undefined) return { config: undefined, problems };
  if (value(env.OTEL_SDK_DISABLED)?.toLowerCase() === 'true') return { config: undefined, problems };
  if (value(env.OTEL_TRACES_EXPORTER)?.toLowerCase() === 'none') return { config: undefined, problems };

  const exporter = value(env.OTEL_TRACES_EXPORTER)?.toLowerCase();
  if (exporter !== undefined && exporter !== 'otlp') problems.push(`OTEL_TRACES_EXPORTER must be otlp or none (got ${JSON.stringify(exporter)})`);
  const protocol = value(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) ?? value(env.OTEL_EXPORTER_OTLP_PROTOCOL);
  if (protocol !== undefined && protocol !== 'http/json') {
    problems.push(`${env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL === undefined ? 'OTEL_EXPORTER_OTLP_PROTOCOL' : 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'} must be http/json, the protocol Auxot exports (got ${JSON.stringify(protocol)})`);
  }
  const url = tracesEndpoint ?? `${(endpoint ?? '').replace(/\/+$/, '')}/v1/traces`;
  const variable = tracesEndpoint === undefined ? 'OTEL_EXPORTER_OTLP_ENDPOINT' : 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT';
  if (!URL.canParse(url) || !/^https?:\/\//.test(url)) problems.push(`${variable} must be an http:// or https:// URL (got ${JSON.stringify(tracesEndpoint ?? endpoint)})`);

  const headers = {
    ...keyValueList(env, 'OTEL_EXPORTER_OTLP_HEADERS', problems, false),
    ...keyValueList(env, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS', problems, false),
  };
  const resource = keyValueList(env, 'OTEL_RESOURCE_ATTRIBUTES', problems, true);
  resource['service.name'] = value(env.OTEL_SERVICE_NAME) ?? resource['service.name'] ?? 'auxot';

  const sampler = samplerFrom(env, problems);
  const exportDelayMs = milliseconds(env, 'OTEL_BSP_SCHEDULE_DELAY', 5_000, problems);
  const exportTimeoutMs = milliseconds(env, env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT === undefined ? 'OTEL_EXPORTER_OTLP_TIMEOUT' : 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 10_000, problems);
  if (problems.length > 0 || sampler === undefined) return { config: undefined, problems };
  return { config: { url, headers, resource, sampler, exportDelayMs, exportTimeoutMs }, problems };
}

function samplerFrom(env: ConfigSource, problems: string[]): TraceSampler | undefined {
  const name = (value(env.OTEL_TRACES_SAMPLER) ?? 'parentbased_always_on').toLowerCase();
  if (!(SAMPLERS as readonly string[]).includes(name)) {
    problems.push(`OTEL_TRACES_SAMPLER must be one of ${SAMPLERS.join(', ')} (got ${JSON.stringify(name)})`);
    return undefined;
  }
  const parentBased = name.startsWith('parentbased_');
  const kind = name.replace('parentbased_', '');
  if (kind !== 'traceidratio') return { kind: kind === 'always_off' ? 'always_off' : 'always_on', parentBased };
  const raw = value(env.OTEL_TRACES_SAMPLER_ARG) ?? '1';
  const ratio = Number(raw);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    problems.push(`OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1 (got ${JSON.stringify(raw)})`);
    return undefined;
  }
  return { kind: 'traceidratio', parentBased, ratio };
}

/** `key1=value1,key2=value2`, values percent-encoded (the W3C Baggage format the OTEL variables use). */
function keyValueList(env: ConfigSource, variable: string, problems: string[], showValues: boolean): Record<string, string> {
  const raw = value(env[variable]);
  const entries: Record<string, string> = {};
  if (raw === undefined) return entries;
  for (const item of raw.split(',')) {
    if (item.trim() === '') continue;
    const equals = item.indexOf('=');
    const key = equals === -1 ? '' : item.slice(0, equals).trim();
    if (key === '') {
      // Header values may be credentials: the problem names the variable, never the value.
      problems.push(`${variable} must be a list of key=value pairs separated by commas${showValues ? ` (got ${JSON.stringify(item)})` : ''}`);
      continue;
    }
    try {
      entries[key] = decodeURIComponent(item.slice(equals + 1).trim());
    } catch {
      problems.push(`${variable}: the value of ${key} is not valid percent-encoding`);
    }
  }
  return entries;
}

function milliseconds(env: ConfigSource, variable: string, fallback: number, problems: string[]): number {
  const raw = value(env[variable]);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) {
    problems.push(`${variable} must be a whole number of milliseconds (got ${JSON.stringify(raw)})`);
    return fallback;
  }
  return Number(raw);
}

function value(raw: string | undefined): string | undefined {
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}
