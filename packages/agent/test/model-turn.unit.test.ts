// A loop's model turn through the model chain against a simulated OpenAI-compatible API (model
// API simulated): the tools offered, the tool calls asked for, the transcript sent back (tool
// results, references, errors), the GenAI span with tokens and finish reason, and the rules when
// no model can play the turn.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { ModelTurnInput } from '@baton/contracts';
import { createLogger } from '@baton/telemetry';
import { startSimulatedModelApi, type SimulatedModelApi } from '@baton/testkit';
import { AgentError, ModelChain, loadModelConfig, withPages } from '../src/index.js';

const logger = createLogger('model-turn-test', 'error');
const exporter = new InMemorySpanExporter();
const tracer = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }).getTracer('test');

const turn1: ModelTurnInput = {
  purpose: 'support-resolution',
  turn: 1,
  system: 'You resolve support tickets.',
  messages: [{ role: 'user', text: 'My order o-1 came late.' }],
  tools: [
    {
      name: 'lookup_order',
      description: 'Looks an order up',
      parameters: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] },
    },
  ],
};

describe('model turn (model API simulated)', () => {
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
  before(async () => {
    api = await startSimulatedModelApi();
  });
  after(() => api.close());
  beforeEach(() => exporter.reset());

  it('offers the tools and returns the calls the model asks for, with the tokens; the span has the GenAI attributes', async () => {
    api.script('m1', {
      content: '',
      toolCalls: [{ id: 'call_a', name: 'lookup_order', arguments: { orderId: 'o-1' } }],
      promptTokens: 210,
      completionTokens: 17,
    });
    const out = await chain('m1').turn(turn1);
    assert.deepEqual(out, {
      finish: 'tools',
      calls: [{ id: 'call_a', name: 'lookup_order', args: { orderId: 'o-1' } }],
      usage: { inputTokens: 210, outputTokens: 17 },
      model: 'm1-model',
      finishReason: 'tool-calls',
    });
    assert.deepEqual(
      api.requests('m1')[0]!.tools?.map((t) => t.function.name),
      ['lookup_order'],
    );
    const span = exporter.getFinishedSpans().find((s) => s.name === 'chat m1-model')!;
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], 210);
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], 17);
    assert.deepEqual(span.attributes['gen_ai.response.finish_reasons'], ['tool-calls']);
    assert.equal(span.attributes['baton.loop.turn'], 1);
    assert.equal(
      exporter.getFinishedSpans().find((s) => s.name === 'model turn support-resolution')?.attributes[
        'baton.model.served_by'
      ],
      'm1',
    );
  });

  it('sends the transcript back as the API expects: the calls, their results, a reference in place of a large result, an error', async () => {
    api.script('m2', { content: 'Refunded.' });
    const out = await chain('m2').turn({
      ...turn1,
      turn: 2,
      messages: [
        ...turn1.messages,
        {
          role: 'assistant',
          calls: [
            { id: 'call_a', name: 'lookup_order', args: { orderId: 'o-1' } },
            { id: 'call_b', name: 'lookup_order', args: { orderId: 'o-2' } },
            { id: 'call_c', name: 'lookup_order', args: {} },
          ],
        },
        { role: 'tool', callId: 'call_a', name: 'lookup_order', result: { orderId: 'o-1', totalCents: 5200 } },
        {
          role: 'tool',
          callId: 'call_b',
          name: 'lookup_order',
          reference: { ref: 'r/result/1-2', size: 90_000, summary: '{"orderId":"o-2"' },
        },
        { role: 'tool', callId: 'call_c', name: 'lookup_order', error: 'invalid arguments: orderId is required' },
      ],
    });
    assert.deepEqual([out.finish, out.text], ['final', 'Refunded.']);
    const sent = api.requests('m2')[0]!.messages;
    assert.deepEqual(
      sent.filter((m) => m.role === 'tool').map((m) => m.tool_call_id),
      ['call_a', 'call_b', 'call_c'],
    );
    const [a, b, c] = sent.filter((m) => m.role === 'tool').map((m) => String(m.content));
    assert.match(a!, /"totalCents":5200/);
    assert.match(b!, /read_result/);
    assert.ok(b!.length < 1000, 'the reference, not 90 000 characters');
    assert.match(c!, /orderId is required/);
    assert.equal((sent.find((m) => m.role === 'assistant')?.tool_calls as unknown[]).length, 3);
  });

  it('rules play the turn when no model is configured, or every model fails; without rules the turn fails as not configured', async () => {
    const rules = () => ({
      finish: 'final' as const,
      text: 'by the rules',
      usage: { inputTokens: 0, outputTokens: 0 },
      model: 'rules',
      finishReason: 'stop',
    });
    assert.equal((await chain().turn(turn1, rules)).text, 'by the rules');
    api.script('down', { status: 500, error: 'overloaded' });
    assert.equal((await chain('down').turn(turn1, rules)).model, 'rules');
    await assert.rejects(
      chain().turn(turn1),
      (err: AgentError) => err.code === 'MODEL_NOT_CONFIGURED' && !err.retryable,
    );
    await assert.rejects(
      chain('down').turn(turn1),
      (err: AgentError) => err.code === 'MODEL_UNAVAILABLE' && err.retryable,
    );
  });

  it("reads the pages of object-store results the model asked for (read_result), each artifact once per turn; one that cannot be read is the tool's error", async () => {
    const artifact = {
      bucket: 'baton_artifacts',
      key: 'wf/step/log@1',
      digest: 'd',
      size: 10_000,
      contentType: 'text/plain',
      summary: 'a log',
    };
    const gone = { ...artifact, key: 'wf/step/gone@2' };
    const reads: string[] = [];
    const read = async (ref: typeof artifact) => {
      reads.push(ref.key);
      if (ref.key === gone.key)
        throw new AgentError('ARTIFACT_MISSING', `artifact ${ref.key} is not in baton_artifacts`, false);
      return 'x'.repeat(6_000) + 'y'.repeat(4_000);
    };
    const pages = await withPages(
      [
        ...turn1.messages,
        { role: 'tool', callId: 'a', name: 'read_result', page: { artifact, offset: 0, length: 6_000 } },
        { role: 'tool', callId: 'b', name: 'read_result', page: { artifact, offset: 6_000, length: 6_000 } },
        { role: 'tool', callId: 'c', name: 'read_result', page: { artifact: gone, offset: 0, length: 10 } },
      ],
      read,
    );
    assert.deepEqual(pages[0], turn1.messages[0]);
    assert.deepEqual(pages[1], {
      role: 'tool',
      callId: 'a',
      name: 'read_result',
      result: { ref: 'artifact:wf/step/log@1', offset: 0, size: 10_000, text: 'x'.repeat(6_000), next: 6_000 },
    });
    assert.deepEqual(pages[2], {
      role: 'tool',
      callId: 'b',
      name: 'read_result',
      result: { ref: 'artifact:wf/step/log@1', offset: 6_000, size: 10_000, text: 'y'.repeat(4_000) },
    });
    assert.match(
      String((pages[3] as { error?: string }).error),
      /could not be read: artifact wf\/step\/gone@2 is not in baton_artifacts/,
    );
    assert.deepEqual(reads.sort(), [artifact.key, gone.key].sort(), 'each artifact read once');
  });
});
