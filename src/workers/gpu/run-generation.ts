import type {
  ChatHistoryItem,
  GbnfJsonSchema,
  LLamaChatGenerateResponseOptions,
  LlamaChatResponse,
  LlamaChatResponseChunk,
  LlamaContextSequence,
  LlamaGrammar,
  TokenMeterState,
} from 'node-llama-cpp';
import type { ChatEvent } from '../../canonical/chat-event.js';
import type { ModelRequest } from '../../canonical/chat-request.js';
import { GatewayError } from '../../canonical/gateway-error.js';
import type { Usage } from '../../canonical/usage.js';
import { toChatHistory } from './chat-history.js';
import { initialGenerationState, stepGeneration, type GenerationInput } from './generation-events.js';
import { planGeneration, type GenerationPlan } from './generation-plan.js';
import type { LlamaRuntime } from './llama-runtime.js';
import { initialEnvelopeState, stepEnvelope } from './tool-envelope.js';
import { holdTrailingWhitespace } from './trailing-whitespace.js';

/** llama.cpp's own server default, used when the caller sets no temperature. */
const defaultTemperature = 0.8;

export interface GenerationJob {
  request: ModelRequest;
  responseId: string;
  /** The model name reported to the caller. */
  modelName: string;
  newId(prefix: string): string;
  signal: AbortSignal;
  emit(event: ChatEvent): void;
}

/**
 * Runs one job on a context sequence the caller holds, emitting canonical events. Never rejects:
 * a failure becomes an `error` event, and a cancelled job ends after closing its blocks and
 * reporting usage. Returns once llama.cpp has stopped using the sequence.
 */
export async function runGeneration(runtime: LlamaRuntime, sequence: LlamaContextSequence, job: GenerationJob): Promise<void> {
  let state = initialGenerationState;
  const feed = (input: GenerationInput): void => {
    const step = stepGeneration(state, input);
    state = step.state;
    for (const event of step.output) job.emit(event);
  };
  const meterBefore = sequence.tokenMeter.getState();
  let promptTokens = 0;
  let started = false;
  try {
    const plan = planGeneration(job.request, runtime.hasNativeToolCalling);
    const history = toChatHistory(job.request, 'instruction' in plan ? plan.instruction : undefined);
    promptTokens = countPromptTokens(runtime, history, plan);
    if (promptTokens >= sequence.contextSize) {
      // node-llama-cpp would silently drop the oldest turns (all of them, if need be) to fit.
      // Another candidate with a larger window may serve it, hence retryable.
      throw new GatewayError(
        'invalid_request',
        `The prompt is ${promptTokens} tokens; this model's context window is ${sequence.contextSize}`,
        { param: 'messages', retryable: true },
      );
    }
    const grammar = await createGrammar(runtime, plan);
    feed({ type: 'start', id: job.responseId, model: job.modelName });
    started = true;
    const result = await generate(runtime, sequence, job, plan, history, grammar, feed);
    const usage = measureUsage(sequence, meterBefore, promptTokens);
    if (result.metadata.stopReason === 'abort' || job.signal.aborted) return feed({ type: 'abort', usage });
    const stopSequence = result.metadata.stopReason === 'customStopTrigger' ? matchedStop(result.metadata, job.request) : undefined;
    feed({
      type: 'finish',
      stopReason: result.metadata.stopReason,
      usage,
      ...(stopSequence === undefined ? {} : { stopSequence }),
    });
  } catch (error) {
    if (job.signal.aborted) {
      if (started) feed({ type: 'abort', usage: measureUsage(sequence, meterBefore, promptTokens) });
      return;
    }
    job.emit({ type: 'error', error: toEngineError(error) });
  }
}

type Feed = (input: GenerationInput) => void;

/** The options both branches share; node-llama-cpp takes either a grammar or functions, never both. */
type CommonOptions = Omit<
  LLamaChatGenerateResponseOptions,
  'grammar' | 'functions' | 'documentFunctionParams' | 'maxParallelFunctionCalls' | 'onFunctionCall' | 'onFunctionCallParamsChunk'
>;

async function generate(
  runtime: LlamaRuntime,
  sequence: LlamaContextSequence,
  job: GenerationJob,
  plan: GenerationPlan,
  history: ChatHistoryItem[],
  grammar: LlamaGrammar | undefined,
  feed: Feed,
): Promise<Pick<LlamaChatResponse, 'metadata'>> {
  const { request } = job;
  const chat = new runtime.llamaCpp.LlamaChat({ contextSequence: sequence, chatWrapper: runtime.chatWrapper });
  const common: CommonOptions = {
    // Unset (or nonsense) means one context window: node-llama-cpp would otherwise run until
    // end-of-generation, shifting the context as often as it takes.
    maxTokens: request.maxOutputTokens !== undefined && request.maxOutputTokens > 0 ? request.maxOutputTokens : sequence.contextSize,
    temperature: request.temperature ?? defaultTemperature,
    ...(request.topP === undefined ? {} : { topP: request.topP }),
    ...(request.topK === undefined ? {} : { topK: request.topK }),
    ...(request.stopSequences.length === 0 ? {} : { customStopTriggers: request.stopSequences }),
    signal: job.signal,
    stopOnAbortSignal: true,
    onResponseChunk: chunkHandler(plan, job, feed),
  };
  try {
    if (plan.kind !== 'native-tools') return await chat.generateResponse(history, { ...common, ...(grammar === undefined ? {} : { grammar }) });
    const streamed = new Set<number>();
    let whitespace = '';
    const result = await chat.generateResponse(history, {
      ...common,
      functions: plan.functions,
      documentFunctionParams: true,
      ...(plan.maxParallelCalls === undefined ? {} : { maxParallelFunctionCalls: plan.maxParallelCalls }),
      onFunctionCallParamsChunk: (chunk) => {
        if (!streamed.has(chunk.callIndex)) {
          streamed.add(chunk.callIndex);
          whitespace = '';
          feed({ type: 'tool-call-start', callId: job.newId('call_'), name: chunk.functionName });
        }
        const held = holdTrailingWhitespace(whitespace, chunk.paramsChunk);
        whitespace = held.pending;
        feed({ type: 'tool-call-arguments', json: held.emit });
        if (chunk.done) feed({ type: 'tool-call-end' });
      },
    });
    // Not every wrapper streams parameters; calls that were not streamed arrive whole here.
    for (const call of (result.functionCalls ?? []).slice(streamed.size)) {
      feed({ type: 'tool-call-start', callId: job.newId('call_'), name: call.functionName });
      // node-llama-cpp types `params` from the function map; at run time a call without arguments has none.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
      feed({ type: 'tool-call-arguments', json: JSON.stringify(call.params ?? {}) });
      feed({ type: 'tool-call-end' });
    }
    return result;
  } finally {
    chat.dispose();
  }
}

/** Routes the model's output by plan: answer text, thoughts, or the JSON of a forced tool call. */
function chunkHandler(plan: GenerationPlan, job: GenerationJob, feed: Feed): (chunk: LlamaChatResponseChunk) => void {
  let envelope = initialEnvelopeState;
  let toolCallStarted = false;
  return (chunk) => {
    if (chunk.type === 'segment') {
      // gpt-oss "commentary" is meant for the user; "thought" is reasoning.
      return feed({ type: chunk.segmentType === 'thought' ? 'reasoning' : 'text', text: chunk.text });
    }
    switch (plan.kind) {
      case 'text':
      case 'native-tools':
        return feed({ type: 'text', text: chunk.text });
      case 'named-tool':
        if (!toolCallStarted && chunk.text !== '') {
          toolCallStarted = true;
          feed({ type: 'tool-call-start', callId: job.newId('call_'), name: plan.tool.name });
        }
        return feed({ type: 'tool-call-arguments', json: chunk.text });
      case 'pick-tool': {
        const step = stepEnvelope(envelope, chunk.text);
        envelope = step.state;
        for (const output of step.output) {
          if (output.type === 'name') feed({ type: 'tool-call-start', callId: job.newId('call_'), name: output.name });
          else feed({ type: 'tool-call-arguments', json: output.json });
        }
        return;
      }
    }
  };
}

async function createGrammar(runtime: LlamaRuntime, plan: GenerationPlan): Promise<LlamaGrammar | undefined> {
  switch (plan.kind) {
    case 'named-tool':
    case 'pick-tool':
      return runtime.llama.createGrammarForJsonSchema<GbnfJsonSchema>(plan.grammar);
    case 'text':
      if (plan.grammar === undefined) return undefined;
      return plan.grammar.kind === 'any-json'
        ? runtime.llama.getGrammarFor('json')
        : runtime.llama.createGrammarForJsonSchema<GbnfJsonSchema>(plan.grammar.schema);
    case 'native-tools':
      return undefined;
  }
}

/** The whole prompt as the chat wrapper renders it, tool documentation included. */
function countPromptTokens(runtime: LlamaRuntime, history: ChatHistoryItem[], plan: GenerationPlan): number {
  const chatHistory: ChatHistoryItem[] = history.at(-1)?.type === 'model' ? history : [...history, { type: 'model', response: [] }];
  const { contextText } = runtime.chatWrapper.generateContextState({
    chatHistory,
    ...(plan.kind === 'native-tools' ? { availableFunctions: plan.functions, documentFunctionParams: true } : {}),
  });
  return contextText.tokenize(runtime.model.tokenizer).length;
}

/**
 * node-llama-cpp meters the last prompt token (evaluated for its logits) as output and never
 * evaluates the last generated token, so its output count equals the tokens generated and the
 * prompt tokens evaluated are its input count plus one. Prompt tokens still in the sequence from
 * an earlier job are not evaluated again: they are reported as cache reads.
 */
function measureUsage(sequence: LlamaContextSequence, before: TokenMeterState, promptTokens: number): Partial<Usage> {
  const used = sequence.tokenMeter.diff(before);
  const inputTokens = used.usedInputTokens + (used.usedOutputTokens > 0 ? 1 : 0);
  return {
    inputTokens,
    outputTokens: used.usedOutputTokens,
    cacheReadTokens: used.usedOutputTokens > 0 ? Math.max(0, promptTokens - inputTokens) : 0,
  };
}

function matchedStop(metadata: LlamaChatResponse['metadata'], request: ModelRequest): string | undefined {
  if (metadata.stopReason !== 'customStopTrigger') return undefined;
  const text = metadata.customStopTrigger.filter((part): part is string => typeof part === 'string').join('');
  return request.stopSequences.find((stop) => stop === text) ?? (text === '' ? undefined : text);
}

function toEngineError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new GatewayError('upstream_error', `llama.cpp generation failed: ${message}`, { cause: error });
}
