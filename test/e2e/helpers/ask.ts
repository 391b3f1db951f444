import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';

/** What an SDK parsed out of one answer, in one shape for both clients. */
export interface ParsedAnswer {
  text: string;
  reasoning: string;
  /** `input` is the SDK's tool input (Anthropic) or `JSON.parse` of its arguments string (OpenAI). */
  toolCalls: Array<{ id: string; name: string; input: unknown }>;
  finish: string | null;
}

export type OpenAiParams = Omit<OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming, 'stream'>;
export type AnthropicParams = Omit<Anthropic.MessageCreateParamsNonStreaming, 'stream'>;

export interface OpenAiOutcome {
  answer: ParsedAnswer;
  completion: OpenAI.Chat.Completions.ChatCompletion;
  /** The chunks the SDK parsed (empty when not streaming). */
  chunks: OpenAI.Chat.Completions.ChatCompletionChunk[];
}

export interface AnthropicOutcome {
  answer: ParsedAnswer;
  message: Anthropic.Message;
  /** The stream events the SDK parsed (empty when not streaming). */
  events: Anthropic.MessageStreamEvent[];
}

/**
 * One OpenAI call. Streaming goes through the SDK's own `ChatCompletionStream`, whose
 * `finalChatCompletion()` assembles tool calls by index and throws when a finish reason, role,
 * tool id or name is missing.
 */
export async function askOpenAi(client: OpenAI, params: OpenAiParams, stream: boolean): Promise<OpenAiOutcome> {
  if (!stream) {
    const completion = await client.chat.completions.create({ ...params, stream: false });
    const message = completion.choices[0]?.message as { reasoning_content?: string } | undefined;
    return { answer: openAiAnswer(completion, message?.reasoning_content ?? ''), completion, chunks: [] };
  }
  const runner = client.chat.completions.stream({ ...params, stream: true });
  const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
  for await (const chunk of runner) chunks.push(chunk);
  const completion = await runner.finalChatCompletion();
  // The SDK assigns unknown delta fields instead of concatenating them, so reasoning is read from the chunks.
  const reasoning = chunks
    .map((chunk) => (chunk.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? '')
    .join('');
  return { answer: openAiAnswer(completion, reasoning), completion, chunks };
}

export async function askAnthropic(client: Anthropic, params: AnthropicParams, stream: boolean): Promise<AnthropicOutcome> {
  if (!stream) {
    const message = await client.messages.create({ ...params, stream: false });
    return { answer: anthropicAnswer(message), message, events: [] };
  }
  const runner = client.messages.stream(params);
  const events: Anthropic.MessageStreamEvent[] = [];
  runner.on('streamEvent', (event) => events.push(event));
  const message = await runner.finalMessage();
  return { answer: anthropicAnswer(message), message, events };
}

function openAiAnswer(completion: OpenAI.Chat.Completions.ChatCompletion, reasoning: string): ParsedAnswer {
  const choice = completion.choices[0];
  const toolCalls = (choice?.message.tool_calls ?? []).map((call) => {
    if (call.type !== 'function') throw new Error(`unexpected tool call type ${call.type}`);
    return { id: call.id, name: call.function.name, input: JSON.parse(call.function.arguments) as unknown };
  });
  return { text: choice?.message.content ?? '', reasoning, toolCalls, finish: choice?.finish_reason ?? null };
}

function anthropicAnswer(message: Anthropic.Message): ParsedAnswer {
  const answer: ParsedAnswer = { text: '', reasoning: '', toolCalls: [], finish: message.stop_reason };
  for (const block of message.content) {
    if (block.type === 'text') answer.text += block.text;
    else if (block.type === 'thinking') answer.reasoning += block.thinking;
    else if (block.type === 'tool_use') answer.toolCalls.push({ id: block.id, name: block.name, input: block.input });
  }
  return answer;
}
