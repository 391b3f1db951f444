import { writeFileSync } from 'node:fs';

/**
 * Writes a tiny random-weight llama-architecture GGUF v3 so tests run real llama.cpp inference with
 * no download. The layout and metadata are the minimum llama.cpp's llama architecture loads, and
 * the weights come from a seeded generator; with the defaults the file is always the same
 * 469,472 bytes with 21 tensors, checked against node-llama-cpp 3.22.1.
 * @see https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
 */
export interface TinyGgufOptions {
  embeddingLength: number;
  feedForwardLength: number;
  headCount: number;
  blockCount: number;
  contextLength: number;
  seed: number;
  /**
   * llama.cpp's pooling type for embedding models (`<arch>.pooling_type`: 1 mean, 2 cls, 3 last):
   * set, the file is an embedding model whose vectors pool every token. Absent by default.
   */
  poolingType?: 1 | 2 | 3;
}

export const defaultTinyGgufOptions: Readonly<TinyGgufOptions> = Object.freeze({
  embeddingLength: 64,
  feedForwardLength: 128,
  headCount: 4,
  blockCount: 2,
  contextLength: 512,
  seed: 12345,
});

/** Each turn ends with an explicit `<|end|>`: with a bare newline the Jinja wrapper cuts grammar output short. */
export const tinyChatTemplate =
  "{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}<|end|>\n{% endfor %}" +
  '{% if add_generation_prompt %}<|assistant|>\n{% endif %}';

const vocabularySize = 259;
const alignment = 32;

/** GGUF metadata value type ids. */
const ValueType = { U32: 4, I32: 5, F32: 6, Bool: 7, String: 8, Array: 9 } as const;
type ValueTypeId = (typeof ValueType)[keyof typeof ValueType];
type NumericTypeId = typeof ValueType.U32 | typeof ValueType.I32 | typeof ValueType.F32 | typeof ValueType.Bool;

type MetadataValue =
  | { type: NumericTypeId; value: number }
  | { type: typeof ValueType.String; value: string }
  | { type: typeof ValueType.Array; elementType: typeof ValueType.String; values: string[] }
  | { type: typeof ValueType.Array; elementType: typeof ValueType.F32 | typeof ValueType.I32; values: number[] };

interface TensorSpec {
  name: string;
  /** ne0 (the fastest-varying dimension) first, as GGUF stores them. */
  dims: number[];
  fill: 'random' | 'ones';
}

export function writeTinyGguf(path: string, options: Partial<TinyGgufOptions> = {}): void {
  const settings: TinyGgufOptions = { ...defaultTinyGgufOptions, ...options };
  if (settings.embeddingLength % settings.headCount !== 0) {
    throw new Error('embeddingLength must be a multiple of headCount');
  }
  const metadata = buildMetadata(settings);
  const tensors = buildTensors(settings);
  const out = new ByteWriter();
  out.bytes(Buffer.from('GGUF', 'ascii'));
  out.u32(3);
  out.u64(tensors.length);
  out.u64(metadata.length);
  for (const [key, value] of metadata) {
    out.string(key);
    out.metadataValue(value);
  }
  let dataOffset = 0;
  for (const tensor of tensors) {
    out.string(tensor.name);
    out.u32(tensor.dims.length);
    for (const dim of tensor.dims) out.u64(dim);
    out.u32(0);
    out.u64(dataOffset);
    dataOffset = alignUp(dataOffset + tensorBytes(tensor));
  }
  out.pad(alignUp(out.length) - out.length);
  const random = seededRandom(settings.seed);
  for (const tensor of tensors) {
    const count = tensorBytes(tensor) / 4;
    const data = Buffer.alloc(count * 4);
    for (let i = 0; i < count; i++) data.writeFloatLE(tensor.fill === 'ones' ? 1 : random(), i * 4);
    out.bytes(data);
    out.pad(alignUp(data.length) - data.length);
  }
  writeFileSync(path, out.toBuffer());
}

function buildMetadata(o: TinyGgufOptions): Array<[string, MetadataValue]> {
  const u32 = (value: number): MetadataValue => ({ type: ValueType.U32, value });
  const byteTokens = Array.from({ length: 256 }, (_, i) => `<0x${i.toString(16).toUpperCase().padStart(2, '0')}>`);
  const tokenTypes = [2, 3, 3, ...byteTokens.map(() => 6)];
  return [
    ['general.architecture', { type: ValueType.String, value: 'llama' }],
    ['llama.context_length', u32(o.contextLength)],
    ['llama.embedding_length', u32(o.embeddingLength)],
    ['llama.block_count', u32(o.blockCount)],
    ['llama.feed_forward_length', u32(o.feedForwardLength)],
    ['llama.attention.head_count', u32(o.headCount)],
    ['llama.attention.head_count_kv', u32(o.headCount)],
    ['llama.rope.dimension_count', u32(o.embeddingLength / o.headCount)],
    ['llama.attention.layer_norm_rms_epsilon', { type: ValueType.F32, value: 1e-5 }],
    ...(o.poolingType === undefined ? [] : [['llama.pooling_type', u32(o.poolingType)] as [string, MetadataValue]]),
    ['tokenizer.ggml.model', { type: ValueType.String, value: 'llama' }],
    [
      'tokenizer.ggml.tokens',
      { type: ValueType.Array, elementType: ValueType.String, values: ['<unk>', '<s>', '</s>', ...byteTokens] },
    ],
    [
      'tokenizer.ggml.scores',
      { type: ValueType.Array, elementType: ValueType.F32, values: new Array<number>(vocabularySize).fill(0) },
    ],
    ['tokenizer.ggml.token_type', { type: ValueType.Array, elementType: ValueType.I32, values: tokenTypes }],
    // A space prefix makes node-llama-cpp warn that tokenize→detokenize does not round-trip.
    ['tokenizer.ggml.add_space_prefix', { type: ValueType.Bool, value: 0 }],
    ['tokenizer.ggml.add_bos_token', { type: ValueType.Bool, value: 1 }],
    ['tokenizer.ggml.bos_token_id', u32(1)],
    ['tokenizer.ggml.eos_token_id', u32(2)],
    ['tokenizer.ggml.unknown_token_id', u32(0)],
    ['tokenizer.chat_template', { type: ValueType.String, value: tinyChatTemplate }],
  ];
}

function buildTensors(o: TinyGgufOptions): TensorSpec[] {
  const embd = o.embeddingLength;
  const tensors: TensorSpec[] = [
    { name: 'token_embd.weight', dims: [embd, vocabularySize], fill: 'random' },
    { name: 'output_norm.weight', dims: [embd], fill: 'ones' },
    { name: 'output.weight', dims: [embd, vocabularySize], fill: 'random' },
  ];
  for (let l = 0; l < o.blockCount; l++) {
    tensors.push(
      { name: `blk.${l}.attn_norm.weight`, dims: [embd], fill: 'ones' },
      { name: `blk.${l}.ffn_norm.weight`, dims: [embd], fill: 'ones' },
      { name: `blk.${l}.attn_q.weight`, dims: [embd, embd], fill: 'random' },
      { name: `blk.${l}.attn_k.weight`, dims: [embd, embd], fill: 'random' },
      { name: `blk.${l}.attn_v.weight`, dims: [embd, embd], fill: 'random' },
      { name: `blk.${l}.attn_output.weight`, dims: [embd, embd], fill: 'random' },
      { name: `blk.${l}.ffn_gate.weight`, dims: [embd, o.feedForwardLength], fill: 'random' },
      { name: `blk.${l}.ffn_up.weight`, dims: [embd, o.feedForwardLength], fill: 'random' },
      { name: `blk.${l}.ffn_down.weight`, dims: [o.feedForwardLength, embd], fill: 'random' },
    );
  }
  return tensors;
}

/**
 * Plain-number arithmetic on purpose: the product exceeds 2^53, so this is not an exact mod-2^32
 * LCG, but it is the form that reproduces the verified file's bytes.
 */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return (state / 2 ** 32 - 0.5) * 0.2;
  };
}

function tensorBytes(tensor: TensorSpec): number {
  return tensor.dims.reduce((product, dim) => product * dim, 4);
}

function alignUp(offset: number): number {
  return Math.ceil(offset / alignment) * alignment;
}

class ByteWriter {
  private readonly chunks: Buffer[] = [];
  length = 0;

  bytes(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }

  pad(count: number): void {
    if (count > 0) this.bytes(Buffer.alloc(count));
  }

  u32(value: number): void {
    const chunk = Buffer.alloc(4);
    chunk.writeUInt32LE(value);
    this.bytes(chunk);
  }

  u64(value: number): void {
    const chunk = Buffer.alloc(8);
    chunk.writeBigUInt64LE(BigInt(value));
    this.bytes(chunk);
  }

  string(value: string): void {
    const encoded = Buffer.from(value, 'utf8');
    this.u64(encoded.length);
    this.bytes(encoded);
  }

  metadataValue(entry: MetadataValue): void {
    this.u32(entry.type);
    if (entry.type === ValueType.Array) {
      this.u32(entry.elementType);
      this.u64(entry.values.length);
      for (const element of entry.values) this.scalar(entry.elementType, element);
    } else {
      this.scalar(entry.type, entry.value);
    }
  }

  private scalar(type: ValueTypeId, value: number | string): void {
    const chunk = Buffer.alloc(4);
    switch (type) {
      case ValueType.String:
        return this.string(String(value));
      case ValueType.U32:
        chunk.writeUInt32LE(Number(value));
        return this.bytes(chunk);
      case ValueType.I32:
        chunk.writeInt32LE(Number(value));
        return this.bytes(chunk);
      case ValueType.F32:
        chunk.writeFloatLE(Number(value));
        return this.bytes(chunk);
      case ValueType.Bool:
        return this.bytes(Buffer.from([Number(value) === 0 ? 0 : 1]));
      case ValueType.Array:
        throw new Error('nested GGUF arrays are not written');
    }
  }
}
