import * as llamaCpp from 'node-llama-cpp';
import { describe, expect, test } from 'vitest';
import { tinyChatTemplate } from '../../../test/support/make-tiny-gguf.js';
import { hasNativeToolCalling } from './llama-runtime.js';

describe('hasNativeToolCalling', () => {
  test('true for wrappers with a trained tool syntax', () => {
    expect(hasNativeToolCalling(new llamaCpp.QwenChatWrapper(), llamaCpp)).toBe(true);
    expect(hasNativeToolCalling(new llamaCpp.Llama3_1ChatWrapper(), llamaCpp)).toBe(true);
    expect(hasNativeToolCalling(new llamaCpp.FunctionaryChatWrapper(), llamaCpp)).toBe(true);
  });

  test("false for node-llama-cpp's generic syntax, including the tiny test model's Jinja template", () => {
    expect(hasNativeToolCalling(new llamaCpp.ChatMLChatWrapper(), llamaCpp)).toBe(false);
    expect(hasNativeToolCalling(new llamaCpp.GeneralChatWrapper(), llamaCpp)).toBe(false);
    expect(hasNativeToolCalling(new llamaCpp.Llama3ChatWrapper(), llamaCpp)).toBe(false);
    expect(hasNativeToolCalling(new llamaCpp.JinjaTemplateChatWrapper({ template: tinyChatTemplate }), llamaCpp)).toBe(false);
  });
});
