import type { ProviderKind } from '../store/records.js';

/**
 * The models a cloud provider offers when it is added without a list: what its upstream lists
 * (chat models only), best-known first, else a default list; followed by the vendor's `*`
 * patterns, so a model the list does not name still routes.
 */
const CHAT_MODELS: Partial<Record<ProviderKind, { preferred: string[]; patterns: string[]; isChat(id: string): boolean }>> = {
  openai: {
    preferred: ['gpt-4.1', 'gpt-4.1-mini', 'gpt-4o', 'gpt-4o-mini', 'gpt-5', 'gpt-5-mini', 'o4-mini', 'o3'],
    patterns: ['gpt-*', 'o1*', 'o3*', 'o4*', 'chatgpt-*', 'codex-*'],
    // The list also holds embedding, speech, image and moderation models, which cannot chat.
    isChat: (id) => /^(gpt-|o\d|chatgpt-|codex-)/.test(id) && !/(embedding|tts|whisper|dall-e|audio|realtime|transcribe|image|moderation|search)/.test(id),
  },
  anthropic: {
    preferred: ['claude-sonnet-4-5', 'claude-opus-4-1', 'claude-haiku-4-5', 'claude-sonnet-4', 'claude-opus-4', 'claude-3-7-sonnet', 'claude-3-5-haiku'],
    patterns: ['claude-*'],
    isChat: (id) => id.startsWith('claude-'),
  },
};

/** Whether a kind gets its models from the upstream when added without `models`. */
export function discoversModels(kind: ProviderKind): boolean {
  return kind === 'openai' || kind === 'anthropic' || kind === 'openai-compatible';
}

/** The model list to store: `listed` (what the upstream answered) or, when it did not, the defaults. */
export function cloudModelList(kind: ProviderKind, listed: string[] | undefined): string[] {
  const vendor = CHAT_MODELS[kind];
  if (vendor === undefined) return listed ?? [];
  const chat = (listed ?? vendor.preferred).filter(vendor.isChat);
  const rank = (id: string): number => {
    const index = vendor.preferred.findIndex((preferred) => id === preferred || id.startsWith(`${preferred}-`));
    return index === -1 ? vendor.preferred.length : index;
  };
  const ordered = chat.map((id, order) => ({ id, order })).sort((a, b) => rank(a.id) - rank(b.id) || a.order - b.order);
  return [...ordered.map(({ id }) => id), ...vendor.patterns];
}
