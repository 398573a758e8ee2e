// One language model per configured provider, built with the AI SDK's provider packages: an
// OpenAI-compatible API (OpenAI, Ollama, vLLM, llama.cpp server, ...) or Anthropic's.
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';
import type { ModelProviderConfig } from './config.js';

export interface ModelProvider {
  name: string;
  kind: ModelProviderConfig['provider'];
  /** The model id as configured, e.g. llama3.1. */
  model: string;
  languageModel: Exclude<LanguageModel, string>;
}

export function createProvider(config: ModelProviderConfig): ModelProvider {
  const base = { name: config.name, kind: config.provider, model: config.model };
  switch (config.provider) {
    case 'openai-compatible': {
      const provider = createOpenAICompatible({
        name: config.name,
        baseURL: config.baseUrl ?? '',
        ...(config.apiKey ? { apiKey: config.apiKey } : {}),
        supportsStructuredOutputs: config.structuredOutputs,
      });
      return { ...base, languageModel: provider.chatModel(config.model) };
    }
    case 'anthropic': {
      const provider = createAnthropic({
        ...(config.apiKey ? { apiKey: config.apiKey } : {}),
        ...(config.baseUrl ? { baseURL: config.baseUrl } : {}),
      });
      return { ...base, languageModel: provider(config.model) };
    }
  }
}
