// Intake through the model chain (model API simulated): the model reads the text, the event
// says who the customer is, and the rules serve when no model answers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { trace } from '@opentelemetry/api';
import { ModelChain, loadModelConfig, offlineCapabilities, type AgentContext } from '@baton/agent';
import { createLogger } from '@baton/telemetry';
import { lastUserText, startSimulatedModelApi, type SimulatedModelApi } from '@baton/testkit';
import { IntakeConfig, intakeAgent } from '../src/intake.js';

const intake = intakeAgent(IntakeConfig.parse({}));

const logger = createLogger('intake-test', 'error');
const customer = { id: 'cust-1', name: 'Ada Lovelace' };

describe('intake with a model (model API simulated)', () => {
  let api: SimulatedModelApi;
  const context = (): AgentContext => {
    const env = {
      BATON_MODELS: 'local',
      BATON_MODEL_LOCAL_PROVIDER: 'openai-compatible',
      BATON_MODEL_LOCAL_BASE_URL: api.baseUrl('local'),
      BATON_MODEL_LOCAL_MODEL: 'llama3.1',
      BATON_MODEL_MAX_RETRIES: '0',
    };
    return {
      workflowId: 'wf',
      stepId: 'intake',
      attempt: 1,
      idempotencyKey: 'wf/intake',
      signal: new AbortController().signal,
      logger,
      span: trace.getTracer('test').startSpan('intake'),
      effect: (name, fn) => fn(`wf/intake/${name}`),
      callExternal: async () => undefined as never,
      ...offlineCapabilities(logger),
      model: ModelChain.fromConfig(loadModelConfig(env)).bind({ logger, signal: new AbortController().signal }),
    };
  };
  before(async () => {
    api = await startSimulatedModelApi();
  });
  after(async () => {
    await api.close();
  });

  it("takes the model's reading of the text, the customer from the event and the text as notes", async () => {
    const text =
      'Could we get a table for the two of us the evening after tomorrow, around eight? She cannot eat sesame.';
    api.script('local', {
      content: JSON.stringify({
        partySize: 2,
        date: '2026-11-25',
        time: '20:00',
        allergies: ['sesame'],
        regular: false,
      }),
    });
    const request = await intake.handle({ text, customer, receivedOn: '2026-11-23' }, context());
    assert.deepEqual(request, {
      partySize: 2,
      date: '2026-11-25',
      time: '20:00',
      customer: { ...customer, regular: false },
      allergies: ['sesame'],
      notes: text,
    });
    const prompt = lastUserText(api.requests('local')[0]!);
    assert.match(prompt, /<request>\n.*sesame.*\n<\/request>/, 'the customer text is fenced as data');
  });

  it('falls back to the rules when the model is down', async () => {
    api.script('local', { status: 503, error: 'loading model' });
    const request = await intake.handle(
      { text: 'Table for 4, Friday 7pm, allergic to shellfish', customer, receivedOn: '2026-11-23' },
      context(),
    );
    assert.equal(request.partySize, 4);
    assert.equal(request.date, '2026-11-27');
    assert.deepEqual(request.allergies, ['shellfish']);
  });
});
