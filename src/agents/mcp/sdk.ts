import type * as SdkModules from './sdk-modules.js';

/**
 * The MCP SDK is loaded with the first MCP connection, not at start-up. Its protocol schemas (zod)
 * and JSON Schema validator are about 4 MB of RSS that a gateway using no MCP tool would carry for
 * nothing (decision 55). Only types are imported statically from the SDK elsewhere.
 */
export type McpSdk = typeof SdkModules;

let loading: Promise<McpSdk> | undefined;
let loaded: McpSdk | undefined;

export function loadMcpSdk(): Promise<McpSdk> {
  loading ??= import('./sdk-modules.js').then((sdk) => (loaded = sdk));
  return loading;
}

/** The SDK's JSON-RPC error codes this project tells apart (the values of its `ErrorCode` enum). */
export type McpErrorCodeName = 'ConnectionClosed' | 'RequestTimeout';

/** Whether `error` is the SDK's `McpError` with that code. Without a loaded SDK no error can be one. */
export function isMcpError(error: unknown, code: McpErrorCodeName): boolean {
  return loaded !== undefined && error instanceof loaded.McpError && error.code === (loaded.ErrorCode[code] as number);
}

/** Whether `error` is any `McpError` (an answer of the server or the SDK's own, not a transport failure). */
export function isAnyMcpError(error: unknown): boolean {
  return loaded !== undefined && error instanceof loaded.McpError;
}
