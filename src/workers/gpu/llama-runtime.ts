import type * as NodeLlamaCpp from 'node-llama-cpp';
import type { ChatWrapper, Llama, LlamaContext, LlamaContextSequence, LlamaModel } from 'node-llama-cpp';

export type LlamaCppModule = typeof NodeLlamaCpp;

/** Everything loaded once per engine: the library, the model, one context with a sequence per slot. */
export interface LlamaRuntime {
  readonly llamaCpp: LlamaCppModule;
  readonly llama: Llama;
  readonly model: LlamaModel;
  readonly context: LlamaContext;
  readonly sequences: readonly LlamaContextSequence[];
  /** The model's own chat format, resolved from its GGUF chat template (or name) once. */
  readonly chatWrapper: ChatWrapper;
  readonly hasNativeToolCalling: boolean;
  dispose(): Promise<void>;
}

export interface LoadLlamaOptions {
  modelPath: string;
  modelsDir?: string;
  slots: number;
  contextSize?: number;
  threads?: number;
  gpu?: false | 'auto';
  /** Told how far the model load is, from 0 to 1. */
  onLoadProgress?: (fraction: number) => void;
}

/**
 * Loads node-llama-cpp with a dynamic import, so that only a GPU worker process pays for it.
 * `build: 'never'` makes a missing prebuilt binary a clear error instead of an attempt to download
 * and compile llama.cpp, which cannot succeed offline.
 * @see https://node-llama-cpp.withcat.ai/guide/building-from-source
 */
export async function loadLlamaRuntime(options: LoadLlamaOptions): Promise<LlamaRuntime> {
  const llamaCpp: LlamaCppModule = await import('node-llama-cpp');
  const llama = await llamaCpp.getLlama({ gpu: options.gpu ?? 'auto', build: 'never' });
  try {
    const modelPath = await resolveModelPath(llamaCpp, options);
    const progress = options.onLoadProgress;
    const model = await llama.loadModel({ modelPath, ...(progress === undefined ? {} : { onLoadProgress: (fraction: number) => progress(fraction) }) });
    const context = await model
      .createContext({
        sequences: options.slots,
        ...(options.contextSize === undefined ? {} : { contextSize: options.contextSize }),
        ...(options.threads === undefined ? {} : { threads: options.threads }),
      })
      .catch(async (error: unknown) => {
        await model.dispose();
        throw error;
      });
    const sequences = Array.from({ length: options.slots }, () => context.getSequence());
    const chatWrapper = llamaCpp.resolveChatWrapper(model);
    return {
      llamaCpp,
      llama,
      model,
      context,
      sequences,
      chatWrapper,
      hasNativeToolCalling: hasNativeToolCalling(chatWrapper, llamaCpp),
      dispose: async () => {
        await context.dispose();
        await model.dispose();
        await llama.dispose();
      },
    };
  } catch (error) {
    await llama.dispose();
    throw error;
  }
}

/** `hf:` URIs and URLs are downloaded into `modelsDir` once; plain paths are used as they are. */
async function resolveModelPath(llamaCpp: LlamaCppModule, options: LoadLlamaOptions): Promise<string> {
  if (!/^(hf:|https?:\/\/)/.test(options.modelPath)) return options.modelPath;
  return llamaCpp.resolveModelFile(options.modelPath, {
    ...(options.modelsDir === undefined ? {} : { directory: options.modelsDir }),
    cli: false,
  });
}

/**
 * Whether the chat wrapper calls functions in a syntax the model was trained on (Llama 3.1,
 * Qwen, Functionary, Mistral, gpt-oss, a Jinja template with tool support, ...). Wrappers without
 * one fall back to node-llama-cpp's generic `||call: name(params)` syntax.
 */
export function hasNativeToolCalling(wrapper: ChatWrapper, llamaCpp: Pick<LlamaCppModule, 'ChatWrapper'>): boolean {
  const generic = llamaCpp.ChatWrapper.defaultSettings.functions.call.prefix;
  return String(wrapper.settings.functions.call.prefix) !== String(generic);
}
