import { isJsonObject, type JsonObject } from '../../canonical/json.js';

export interface ToolInput {
  input: JsonObject;
  /** False when the arguments were not a JSON object and `{}` stands in for them. */
  valid: boolean;
}

/**
 * `tool_use.input` must be an object, but canonical arguments are the model's own JSON text and
 * may be invalid (a truncated stream, a small local model). Fall back to `{}` rather than crash
 * the request, as Portkey's bare JSON.parse does (docs/wire-formats.md §3.1).
 */
export function toolInputFromArguments(argumentsJson: string): ToolInput {
  if (argumentsJson.trim() === '') return { input: {}, valid: true };
  try {
    const parsed: unknown = JSON.parse(argumentsJson);
    if (isJsonObject(parsed)) return { input: parsed, valid: true };
  } catch {
    // Invalid JSON: reported through `valid`.
  }
  return { input: {}, valid: false };
}
