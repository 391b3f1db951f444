import type { AssistantPart, ChatRequest } from '../../canonical/chat-request.js';
import type { ChatResult } from '../../canonical/chat-result.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import type { JsonObject } from '../../canonical/json.js';
import { emptyUsage } from '../../canonical/usage.js';
import type { DialectDependencies } from '../dialect.js';
import { isRecord, nonEmptyString, recordOf } from '../openai-chat/wire-values.js';
import { functionCallItem, messageItem, outputTextPart, reasoningItem } from './output-items.js';
import { responseContext, responseObject } from './response-object.js';
import { finishReasonFromStatus, statusFor } from './status.js';
import { flatToolName } from './tool-names.js';
import { usageFromWire, usageToWire } from './usage.js';

/** A non-streaming Response object → ChatResult (same-dialect passthrough reads it for metering). */
export function decodeResult(body: unknown, deps: Pick<DialectDependencies, 'newId'>): ChatResult {
  const response = recordOf(body);
  if (isRecord(response.error) && response.status !== 'failed') {
    throw new GatewayError('upstream_error', nonEmptyString(response.error.message) ?? 'The upstream reported an error');
  }
  if (response.status === 'failed') {
    throw new GatewayError('upstream_error', nonEmptyString(recordOf(response.error).message) ?? 'The upstream response failed');
  }
  if (!Array.isArray(response.output)) throw new GatewayError('upstream_error', 'malformed response from upstream: no output');
  const content: AssistantPart[] = [];
  for (const value of response.output) {
    const item = recordOf(value);
    if (item.type === 'message' && Array.isArray(item.content)) {
      for (const part of item.content) {
        const text = nonEmptyString(recordOf(part).text) ?? nonEmptyString(recordOf(part).refusal);
        if (text !== undefined) content.push({ type: 'text', text });
      }
    } else if (item.type === 'reasoning') {
      const summary = Array.isArray(item.summary) ? item.summary.map((part) => nonEmptyString(recordOf(part).text) ?? '').join('\n\n') : '';
      const signature = nonEmptyString(item.encrypted_content);
      if (summary !== '' || signature !== undefined) content.push({ type: 'reasoning', text: summary, ...(signature === undefined ? {} : { signature }) });
    } else if (item.type === 'function_call') {
      content.push({
        type: 'tool-call',
        callId: nonEmptyString(item.call_id) ?? deps.newId('call_'),
        name: flatToolName(nonEmptyString(item.namespace), nonEmptyString(item.name) ?? ''),
        argumentsJson: typeof item.arguments === 'string' ? item.arguments : '',
      });
    }
  }
  const sawToolCall = content.some((part) => part.type === 'tool-call');
  return {
    id: nonEmptyString(response.id) ?? deps.newId('resp_'),
    model: nonEmptyString(response.model) ?? '',
    content,
    finishReason: finishReasonFromStatus(nonEmptyString(response.status), nonEmptyString(recordOf(response.incomplete_details).reason), sawToolCall),
    usage: isRecord(response.usage) ? usageFromWire(response.usage) : { ...emptyUsage },
  };
}

/** A whole answer as the Response object OpenAI returns for `stream: false`. */
export function encodeResult(result: ChatResult, request: ChatRequest, deps: DialectDependencies): JsonObject {
  const context = responseContext(request, deps.newId('resp_'), deps.nowSeconds());
  if (result.model !== '') context.model = result.model;
  const output = result.content.map((part): JsonObject => {
    switch (part.type) {
      case 'text':
        return messageItem(deps.newId('msg_'), 'completed', [outputTextPart(part.text)]);
      case 'reasoning':
        return reasoningItem(deps.newId('rs_'), part.text === '' ? undefined : part.text, part.signature, context.includeEncryptedReasoning);
      case 'tool-call':
        return functionCallItem(deps.newId('fc_'), 'completed', { callId: part.callId, flatName: part.name, argumentsJson: part.argumentsJson }, context.names);
    }
  });
  const { status, incompleteDetails } = statusFor(result.finishReason);
  const error = status === 'failed' ? { code: 'server_error', message: 'The upstream model failed to answer' } : null;
  return responseObject(context, { status, output, usage: usageToWire(result.usage), error, incompleteDetails });
}
