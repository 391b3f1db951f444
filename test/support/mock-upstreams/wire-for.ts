import { anthropicWire } from './anthropic-wire.js';
import type { DialectWire } from './dialect-wire.js';
import { openaiWire } from './openai-wire.js';
import type { MockDialect } from './types.js';

export function wireFor(dialect: MockDialect): DialectWire {
  switch (dialect) {
    case 'openai':
      return openaiWire;
    case 'anthropic':
      return anthropicWire;
  }
}
