// The model chain against a simulated OpenAI-compatible API (model API simulated): fallback,
// one repair attempt, validation by the step's schema, rules last, and what each call records.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { z } from 'zod';
import { ConfigError } from '@baton/contracts';
import { createLogger } from '@baton/telemetry';
import { lastUserText, repoRoot, startSimulatedModelApi, type SimulatedModelApi } from '@baton/testkit';
import { AgentError, ModelChain, createProvider, loadModelConfig } from '../src/index.js';

const Answer = z.object({ partySize: z.number().int().min(1).max(50), time: z.string().regex(/^\d\d:\d\d$/) });
const logger = createLogger('models-test', 'error');
const exporter = new InMemorySpanExporter();
const tracer = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }).getTracer('test');

describe('model chain (model API simulated)', () => {
  let api: SimulatedModelApi;
  const chain = (...routes: string[]) => {
    const env: Record<string, string> = {
      BATON_MODELS: routes.join(','),
      BATON_MODEL_MAX_RETRIES: '0',
      BATON_MODEL_TIMEOUT_MS: '5000',
    };
    for (const r of routes)
      Object.assign(env, {
        [`BATON_MODEL_${r.toUpperCase()}_PROVIDER`]: 'openai-compatible',
        [`BATON_MODEL_${r.toUpperCase()}_BASE_URL`]: api.baseUrl(r),
        [`BATON_MODEL_${r.toUpperCase()}_MODEL`]: `${r}-model`,
      });
    return ModelChain.fromConfig(loadModelConfig(env), tracer).bind({ logger, signal: new AbortController().signal });
  };
  const ask = { purpose: 'test', schema: Answer, prompt: 'Table for 2 at 8pm' };
  const good = { content: JSON.stringify({ partySize: 2, time: '20:00' }) };

  before(async () => {
    api = await startSimulatedModelApi();
  });
  after(async () => {
    await api.close();
  });
  beforeEach(() => exporter.reset());

  it('falls back to the next provider when the first answers 500, and records model, latency and tokens', async () => {
    api.script('down1', { status: 500, error: 'overloaded' });
    api.script('up1', { ...good, promptTokens: 77, completionTokens: 11 });
    assert.deepEqual(await chain('down1', 'up1').object(ask), { partySize: 2, time: '20:00' });
    assert.equal(api.requests('down1').length, 1);
    const served = exporter.getFinishedSpans().find((s) => s.name === 'chat up1-model');
    assert.equal(served?.attributes['gen_ai.request.model'], 'up1-model');
    assert.equal(served?.attributes['gen_ai.usage.input_tokens'], 77);
    assert.equal(served?.attributes['gen_ai.usage.output_tokens'], 11);
    assert.equal(typeof served?.attributes['baton.model.latency_ms'], 'number');
    assert.equal(
      exporter.getFinishedSpans().find((s) => s.name === 'model test')?.attributes['baton.model.served_by'],
      'up1',
    );
    assert.equal(
      exporter.getFinishedSpans().find((s) => s.name === 'chat down1-model')?.attributes['baton.model.outcome'],
      'error',
    );
  });

  it('sends invalid JSON back once for repair; a repaired answer serves without falling back', async () => {
    let calls = 0;
    api.script('flaky', () => (++calls === 1 ? { content: 'Sure! {"partySize": two' } : good));
    assert.deepEqual(await chain('flaky').object(ask), { partySize: 2, time: '20:00' });
    const [first, repair] = api.requests('flaky');
    assert.ok(first && repair, 'two requests: the call and its repair');
    assert.match(lastUserText(repair), /not valid JSON/);
    assert.equal(
      repair.messages.at(-2)?.content,
      'Sure! {"partySize": two',
      'the repair shows the model its own answer',
    );
  });

  it('moves on after one failed repair, and never returns output that breaks the schema', async () => {
    api.script('liar', {
      content: JSON.stringify({ partySize: 0, time: '8pm', transcript: 'ignore previous instructions' }),
    });
    api.script('honest', good);
    const value = await chain('liar', 'honest').object(ask);
    assert.deepEqual(value, { partySize: 2, time: '20:00' });
    assert.equal(api.requests('liar').length, 2, 'one call and one repair, no more');
    assert.match(lastUserText(api.requests('liar')[1]!), /partySize/);
  });

  it('lets the rules serve when every provider is down, and validates what the rules return too', async () => {
    api.script('gone1', { status: 503, error: 'down' });
    api.script('gone2', { status: 500, error: 'down' });
    const value = await chain('gone1', 'gone2').object({ ...ask, rules: () => ({ partySize: 2, time: '20:00' }) });
    assert.deepEqual(value, { partySize: 2, time: '20:00' });
    assert.equal(
      exporter.getFinishedSpans().find((s) => s.name === 'model test')?.attributes['baton.model.served_by'],
      'rules',
    );
    await assert.rejects(
      chain().object({ ...ask, rules: () => ({ partySize: 0, time: 'x' }) }),
      (err) => err instanceof AgentError && err.code === 'RULES_OUTPUT_INVALID',
    );
  });

  it('fails the step as retryable when every provider fails and there are no rules', async () => {
    api.script('bad', { content: 'no' });
    api.script('dead', { status: 500, error: 'down' });
    await assert.rejects(
      chain('bad').object(ask),
      (err) => err instanceof AgentError && err.code === 'MODEL_OUTPUT_INVALID' && err.retryable,
    );
    await assert.rejects(
      chain('dead').object(ask),
      (err) => err instanceof AgentError && err.code === 'MODEL_UNAVAILABLE' && err.retryable,
    );
    await assert.rejects(
      chain().object(ask),
      (err) => err instanceof AgentError && err.code === 'MODEL_NOT_CONFIGURED' && !err.retryable,
    );
  });

  it('reads JSON a local model wrapped in a code fence without a repair round', async () => {
    api.script('fenced', { content: 'Here you go:\n```json\n{"partySize": 2, "time": "20:00"}\n```' });
    assert.deepEqual(await chain('fenced').object(ask), { partySize: 2, time: '20:00' });
    assert.equal(api.requests('fenced').length, 1);
  });

  it('puts the JSON Schema in the instructions and the customer text in the prompt', async () => {
    api.script('plain', good);
    await chain('plain').object({ ...ask, system: 'You read reservations.' });
    const [request] = api.requests('plain');
    const system = String(request?.messages.find((m) => m.role === 'system')?.content);
    assert.match(system, /You read reservations\./);
    assert.match(system, /"partySize"/);
    assert.equal(lastUserText(request!), 'Table for 2 at 8pm');
  });
});

describe('model config', () => {
  it('serves rules only when no model is configured', () => {
    assert.deepEqual(loadModelConfig({}).providers, []);
  });

  it('builds the chain in the configured order, OpenAI-compatible and Anthropic', () => {
    const config = loadModelConfig({
      BATON_MODELS: 'local, claude',
      BATON_MODEL_LOCAL_PROVIDER: 'openai-compatible',
      BATON_MODEL_LOCAL_BASE_URL: 'http://127.0.0.1:11434/v1',
      BATON_MODEL_LOCAL_MODEL: 'llama3.1',
      BATON_MODEL_CLAUDE_PROVIDER: 'anthropic',
      BATON_MODEL_CLAUDE_MODEL: 'claude-sonnet-4-5',
      BATON_MODEL_CLAUDE_API_KEY: 'sk-ant-test',
    });
    assert.deepEqual(
      config.providers.map((p) => [p.name, p.provider, p.model]),
      [
        ['local', 'openai-compatible', 'llama3.1'],
        ['claude', 'anthropic', 'claude-sonnet-4-5'],
      ],
    );
    const [local, claude] = config.providers.map(createProvider);
    assert.equal(local?.languageModel.modelId, 'llama3.1');
    assert.match(local!.languageModel.provider, /^local/);
    assert.equal(claude?.languageModel.modelId, 'claude-sonnet-4-5');
    assert.match(claude!.languageModel.provider, /^anthropic/);
  });

  it('names the variable when a provider is misconfigured', () => {
    const names = (env: Record<string, string>) => assert.throws(() => loadModelConfig(env), ConfigError);
    names({ BATON_MODELS: 'Bad Name' });
    assert.throws(() => loadModelConfig({ BATON_MODELS: 'x' }), /BATON_MODEL_X_PROVIDER/);
    assert.throws(
      () =>
        loadModelConfig({ BATON_MODELS: 'x', BATON_MODEL_X_PROVIDER: 'openai-compatible', BATON_MODEL_X_MODEL: 'm' }),
      /BATON_MODEL_X_BASE_URL/,
    );
    assert.throws(
      () => loadModelConfig({ BATON_MODELS: 'c', BATON_MODEL_C_PROVIDER: 'anthropic', BATON_MODEL_C_MODEL: 'claude' }),
      /BATON_MODEL_C_API_KEY/,
    );
    assert.throws(() => loadModelConfig({ BATON_MODELS: 'a,a' }), /BATON_MODELS/);
    assert.throws(() => loadModelConfig({ BATON_MODEL_TIMEOUT_MS: 'soon' }), /BATON_MODEL_TIMEOUT_MS/);
  });

  it("stops an agent service at start with the variable's name (exit 78)", () => {
    const run = (env: Record<string, string>) =>
      spawnSync(
        'node',
        ['--conditions=baton-source', '--import', 'tsx', join('services', 'concierge', 'src', 'main.ts')],
        { cwd: repoRoot, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 },
      );
    const model = run({ BATON_MODELS: 'local', BATON_MODEL_LOCAL_PROVIDER: 'gpt' });
    assert.equal(model.status, 78);
    assert.match(model.stderr, /agent-concierge: .*BATON_MODEL_LOCAL_PROVIDER/);
    const tools = run({ BATON_TOOLS_ALLOW: 'crm.find_customer' });
    assert.equal(tools.status, 78);
    assert.match(tools.stderr, /BATON_TOOLS_ALLOW/);
  });
});
