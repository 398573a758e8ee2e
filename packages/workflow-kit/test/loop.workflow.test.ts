// The kit's tool-using loop (agentLoop) on Temporal's test server with time skipping: a scripted
// model agent (a fake: no model is called) asks for tools across several turns; the limits end
// the loop; a person declines a tool call (the model sees why) or approves it with changed
// arguments (the tool runs with them); a large result reaches the model as a reference.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ModelTurnInput, ModelTurnOutput } from '@baton/contracts';
import {
  AgentError,
  harnessArtifactText,
  testWorkflow,
  type AgentFakes,
  type WorkflowHarness,
} from '@baton/workflow-kit/testing';
import looper from './loop-fixture/index.js';
import type { LooperAgents } from './loop-fixture/contracts.js';
import type { LooperInput, LooperStatus } from './loop-fixture/definition.js';

type Turn = (
  input: ModelTurnInput,
) => Omit<ModelTurnOutput, 'usage' | 'model' | 'finishReason'> & { usage?: ModelTurnOutput['usage'] };
/** A scripted model: turn n answers with script[n-1]. */
const scripted =
  (script: Turn[]) =>
  (input: ModelTurnInput): ModelTurnOutput => {
    const turn = script[Math.min(input.turn, script.length) - 1]!(input);
    return {
      usage: { inputTokens: 100, outputTokens: 20 },
      model: 'scripted',
      finishReason: turn.finish === 'tools' ? 'tool-calls' : 'stop',
      ...turn,
    };
  };
const call = (name: string, args: Record<string, unknown>, id = `c-${name}`) => ({
  finish: 'tools' as const,
  calls: [{ id, name, args }],
});
const final = (text: string) => ({ finish: 'final' as const, text });
/** The last message the model was given. */
const lastOf = (input: ModelTurnInput) => input.messages[input.messages.length - 1]!;

describe('agent loop (workflow kit)', () => {
  let wf: WorkflowHarness<LooperStatus, LooperAgents>;
  let n = 0;
  before(async () => {
    wf = await testWorkflow(looper, {
      agents: {
        orders: ({ orderId }) => ({ orderId, totalCents: 25_000, notes: 'arrived late' }),
        payments: ({ orderId, amountCents }) => ({ refundId: `rf-${orderId}-${amountCents}`, amountCents }),
      },
    });
  });
  after(() => wf?.close());
  const start = (input: LooperInput, agents: AgentFakes<LooperAgents>) =>
    wf.startWith(input, { workflowId: `looper-${++n}`, agents });

  it('runs several turns with tool calls to the answer: each turn and each call is one step, the tokens add up', async () => {
    const seen: ModelTurnInput[] = [];
    const model = scripted([
      () => call('lookup_order', { orderId: 'o-1' }),
      () => call('refund', { orderId: 'o-1', amountCents: 5_000 }),
      () => final('Refunded 50.00 EUR.'),
    ]);
    const run = await start(
      { prompt: 'My order o-1 came late.' },
      { assistant: (input) => (seen.push(input), model(input)) },
    );
    const done = await run.result();
    assert.equal(done.state, 'Answered');
    assert.equal(done.answer, 'Refunded 50.00 EUR.');
    assert.deepEqual(
      done.steps.map((s) => s.stepId),
      ['assist/turn-1', 'assist/t1-1-lookup_order', 'assist/turn-2', 'assist/t2-1-refund', 'assist/turn-3'],
    );
    assert.deepEqual(
      run.calls('payments').map((c) => c.input),
      [{ orderId: 'o-1', amountCents: 5_000 }],
    );
    // What the model saw in its second turn: the order it asked for, as the tool's result.
    assert.deepEqual(lastOf(seen[1]!), {
      role: 'tool',
      callId: 'c-lookup_order',
      name: 'lookup_order',
      result: { orderId: 'o-1', totalCents: 25_000, notes: 'arrived late' },
    });
    assert.deepEqual(
      seen[0]!.tools.map((t) => t.name),
      ['lookup_order', 'fetch_file', 'refund', 'read_result'],
    );
    assert.deepEqual(done.loop?.usage, { inputTokens: 300, outputTokens: 60 });
    assert.equal(done.loop?.turns, 3);
    assert.deepEqual(
      done.steps[4]!.input,
      { purpose: 'looper-test', turn: 3, messages: 5 },
      "a turn's step shows the turn, not the transcript again",
    );
    assert.deepEqual(
      done.loop?.entries.map((e) => e.role),
      ['user', 'assistant', 'tool', 'assistant', 'tool', 'assistant'],
    );
    assert.equal(done.gate, undefined, 'a refund under the threshold needs nobody');
  });

  it('ends at its turn limit: no fourth turn is asked for, and the status says why', async () => {
    const run = await start(
      { prompt: 'Keep looking.', maxTurns: 3 },
      { assistant: scripted([() => call('lookup_order', { orderId: 'o-2' })]) },
    );
    const done = await run.result();
    assert.equal(done.state, 'Stopped');
    assert.equal(run.calls('assistant').length, 3);
    assert.equal(run.calls('orders').length, 3);
    assert.deepEqual(done.loop?.limit?.kind, 'turns');
    assert.match(done.stopped ?? '', /3 model turns/);
  });

  it('ends at its token limit after the turn that crossed it: the tool that turn asked for is not called', async () => {
    const heavy = { usage: { inputTokens: 500, outputTokens: 100 } };
    const run = await start(
      { prompt: 'Refund o-3.', maxTokens: 1_000 },
      {
        assistant: scripted([
          () => ({ ...call('lookup_order', { orderId: 'o-3' }), ...heavy }),
          () => ({ ...call('refund', { orderId: 'o-3', amountCents: 100 }), ...heavy }),
        ]),
      },
    );
    const done = await run.result();
    assert.equal(done.state, 'Stopped');
    assert.equal(done.loop?.limit?.kind, 'tokens');
    assert.match(done.stopped ?? '', /1200 tokens, over its limit of 1000/);
    assert.equal(run.calls('assistant').length, 2);
    assert.deepEqual(run.calls('payments'), [], 'the refund asked for past the budget was not made');
  });

  it('ends at its cost limit (tokens at the price given)', async () => {
    // 100 input tokens at 300 cents per million and 20 output at 1500: 0.06 cents a turn.
    const run = await start(
      { prompt: 'Look.', maxCostCents: 0.1 },
      { assistant: scripted([() => call('lookup_order', { orderId: 'o-4' })]) },
    );
    const done = await run.result();
    assert.equal(done.state, 'Stopped');
    assert.equal(done.loop?.limit?.kind, 'cost');
    assert.equal(run.calls('assistant').length, 2);
  });

  it('a turn failure the workflow handles (no model configured) ends the loop as failed, for the workflow to fall back; no person is asked', async () => {
    const run = await start(
      { prompt: 'Anything.' },
      {
        assistant: () => {
          throw new AgentError('MODEL_NOT_CONFIGURED', 'no model provider is configured', false);
        },
      },
    );
    const done = await run.result();
    assert.equal(done.state, 'Stopped');
    assert.match(done.stopped ?? '', /^MODEL_NOT_CONFIGURED: /);
    assert.equal(done.loop?.status, 'failed');
    assert.equal(done.gate, undefined);
  });

  it('a refund above the threshold waits for a person, who declines with a reason: the refund is not made and the model sees why', async () => {
    const seen: ModelTurnInput[] = [];
    const model = scripted([
      () => call('refund', { orderId: 'o-5', amountCents: 20_000 }),
      (i) => final(`Sorry: ${JSON.stringify(lastOf(i))}`),
    ]);
    const run = await start(
      { prompt: 'Refund all of o-5.' },
      { assistant: (input) => (seen.push(input), model(input)) },
    );
    const waiting = await run.waitFor('Awaiting approval');
    const payload = waiting.gate?.payload as { tool: string; args: unknown; transcript: Array<{ role: string }> };
    assert.equal(payload.tool, 'refund');
    assert.deepEqual(payload.args, { orderId: 'o-5', amountCents: 20_000 });
    assert.deepEqual(
      payload.transcript.map((e) => e.role),
      ['user', 'assistant'],
      'the person sees the transcript so far',
    );
    assert.equal(waiting.loop?.status, 'awaiting-approval');
    await run.decide('decline', { role: 'manager', by: 'mia', reason: 'the order shipped on time' });
    const done = await run.result();
    assert.equal(done.state, 'Answered');
    assert.deepEqual(run.calls('payments'), []);
    assert.deepEqual(lastOf(seen[1]!), {
      role: 'tool',
      callId: 'c-refund',
      name: 'refund',
      error: 'mia declined the refund call: the order shipped on time',
    });
  });

  it('approved with changed arguments, the tool runs with them and the model sees its result', async () => {
    const seen: ModelTurnInput[] = [];
    const model = scripted([() => call('refund', { orderId: 'o-6', amountCents: 15_000 }), () => final('Done.')]);
    const run = await start({ prompt: 'Refund o-6.' }, { assistant: (input) => (seen.push(input), model(input)) });
    await run.waitFor('Awaiting approval');
    await run.decide('approve-with-changes', { role: 'manager', by: 'mia', changes: { amountCents: 12_000 } });
    const done = await run.result();
    assert.equal(done.state, 'Answered');
    assert.deepEqual(
      run.calls('payments').map((c) => c.input),
      [{ orderId: 'o-6', amountCents: 12_000 }],
    );
    assert.deepEqual(lastOf(seen[1]!), {
      role: 'tool',
      callId: 'c-refund',
      name: 'refund',
      result: { refundId: 'rf-o-6-12000', amountCents: 12_000 },
    });
    assert.equal(done.gate?.status, 'approved');
  });

  it('a change a tool cannot take is refused at the gate, and nothing runs', async () => {
    const run = await start(
      { prompt: 'Refund o-7.' },
      { assistant: scripted([() => call('refund', { orderId: 'o-7', amountCents: 15_000 }), () => final('Done.')]) },
    );
    await run.waitFor('Awaiting approval');
    await assert.rejects(
      run.decide('approve-with-changes', { role: 'manager', changes: { amountCents: -5 } }),
      (err: Error) => /amountCents must be a whole number/.test(String((err.cause as Error | undefined)?.message)),
    );
    assert.deepEqual(run.calls('payments'), []);
    await run.decide('approve', { role: 'manager' });
    assert.equal((await run.result()).state, 'Answered');
  });

  it('a large result of a tool marked inline reaches the model as a reference and its start; read_result gives the rest, page by page, with no tool called again', async () => {
    const notes = 'x'.repeat(9_000);
    const seen: ModelTurnInput[] = [];
    const model = scripted([
      () => call('lookup_order', { orderId: 'o-8' }),
      (i) =>
        call('read_result', { ref: (lastOf(i) as { reference: { ref: string } }).reference.ref, offset: 0 }, 'read-1'),
      (i) =>
        call(
          'read_result',
          {
            ref: (lastOf(i) as { result: { ref: string } }).result.ref,
            offset: (lastOf(i) as { result: { next: number } }).result.next,
          },
          'read-2',
        ),
      () => final('Read it all.'),
    ]);
    const run = await start(
      { prompt: 'What do the notes of o-8 say?', inlineLimit: 4_000, inlineOrders: true },
      {
        assistant: (input) => (seen.push(input), model(input)),
        orders: ({ orderId }) => ({ orderId, totalCents: 1, notes }),
      },
    );
    const done = await run.result();
    assert.equal(done.state, 'Answered');
    const referenced = lastOf(seen[1]!) as {
      result?: unknown;
      reference?: { ref: string; size: number; summary: string };
    };
    assert.equal(referenced.result, undefined, 'the full result is not in the model context');
    assert.equal(referenced.reference?.ref, 'assist/result/1-1');
    const size = JSON.stringify({ orderId: 'o-8', totalCents: 1, notes }).length;
    assert.equal(referenced.reference?.size, size);
    assert.ok(referenced.reference!.summary.length <= 500);
    const page1 = (lastOf(seen[2]!) as { result: { text: string; next: number } }).result;
    const page2 = (lastOf(seen[3]!) as { result: { text: string; next?: number } }).result;
    assert.equal(page1.text.length, 4_000);
    assert.equal(page1.text + page2.text, JSON.stringify({ orderId: 'o-8', totalCents: 1, notes }).slice(0, 8_000));
    assert.equal(page2.next, 8_000);
    assert.equal(run.calls('orders').length, 1, 'reading the rest calls no tool again');
    // The transcript in the status (and handed on) is bounded the same way.
    const kept = done.loop?.entries.find((e) => e.role === 'tool' && e.name === 'lookup_order') as {
      result?: unknown;
      reference?: { ref: string };
    };
    assert.deepEqual(
      [kept.result, kept.reference?.ref],
      [undefined, 'assist/result/1-1'],
      'the status holds the reference, not the result',
    );
  });

  it('a result a tool put in the object store reaches the model as its reference and summary; read_result asks the turn agent for a page of it', async () => {
    const artifact = {
      bucket: 'baton_artifacts',
      key: 'looper-x/assist/file@abc',
      digest: 'SHA-256=abc',
      size: 1_048_576,
      contentType: 'text/plain; charset=utf-8',
      summary: 'A 1 MB delivery log: 4000 lines',
    };
    const seen: ModelTurnInput[] = [];
    const model = scripted([
      () => call('fetch_file', { name: 'log' }),
      (i) =>
        call(
          'read_result',
          { ref: (lastOf(i) as { reference: { ref: string } }).reference.ref, offset: 4_000 },
          'read-1',
        ),
      () => final('Read.'),
    ]);
    const run = await start(
      { prompt: 'What does the log say?' },
      { assistant: (input) => (seen.push(input), model(input)), files: () => artifact },
    );
    const done = await run.result();
    assert.equal(done.state, 'Answered');
    assert.deepEqual(lastOf(seen[1]!), {
      role: 'tool',
      callId: 'c-fetch_file',
      name: 'fetch_file',
      reference: { ref: `artifact:${artifact.key}`, size: 1_048_576, summary: artifact.summary },
    });
    assert.deepEqual(
      lastOf(seen[2]!),
      { role: 'tool', callId: 'read-1', name: 'read_result', page: { artifact, offset: 4_000, length: 4_000 } },
      'the agent playing the turn reads the page: the workflow never holds the bytes',
    );
    assert.equal(run.calls('files').length, 1);
  });

  it('a large result goes to the object store by its agent: history, status and the model hold its reference and a short summary; read_result asks the turn agent for a page', async () => {
    const notes = 'y'.repeat(1_048_576);
    const seen: ModelTurnInput[] = [];
    const model = scripted([
      () => call('lookup_order', { orderId: 'o-9' }),
      (i) =>
        call(
          'read_result',
          { ref: (lastOf(i) as { reference: { ref: string } }).reference.ref, offset: 4_000 },
          'read-1',
        ),
      () => final('Read.'),
    ]);
    const run = await start(
      { prompt: 'What do the notes of o-9 say?' },
      {
        assistant: (input) => (seen.push(input), model(input)),
        orders: ({ orderId }) => ({ orderId, totalCents: 1, notes }),
      },
    );
    const done = await run.result();
    assert.equal(done.state, 'Answered');
    const json = JSON.stringify({ orderId: 'o-9', totalCents: 1, notes });
    const referenced = lastOf(seen[1]!) as {
      result?: unknown;
      reference?: { ref: string; size: number; summary: string };
    };
    assert.equal(referenced.result, undefined, 'the result is not in the model context');
    assert.match(referenced.reference?.ref ?? '', /^artifact:looper-\d+\/assist\/t1-1-lookup_order\/output\.json@/);
    assert.equal(referenced.reference?.size, json.length);
    assert.ok(
      referenced.reference!.summary.length <= 500 && referenced.reference!.summary.startsWith('{"orderId":"o-9"'),
    );
    const key = referenced.reference!.ref.slice('artifact:'.length);
    assert.equal(harnessArtifactText(key), json, 'the agent stored the whole output');
    const page = lastOf(seen[2]!) as { page?: { artifact: { key: string }; offset: number; length: number } };
    assert.deepEqual(
      [page.page?.artifact.key, page.page?.offset, page.page?.length],
      [key, 4_000, 4_000],
      'the agent playing the turn reads the page',
    );
    // Nothing the workflow holds carries the megabyte: not the step's output, not the status.
    const history = JSON.stringify(await run.handle.fetchHistory());
    assert.ok(history.length < 100_000, `the history is ${history.length} characters`);
    assert.ok(JSON.stringify(done).length < 20_000);
    assert.equal(run.calls('orders').length, 1);
  });

  it('allow-listed MCP tools: described once by their agent at the start, offered to the model with their input schemas, each call a step of that agent', async () => {
    const schema = {
      type: 'object',
      properties: { seats: { type: 'integer', minimum: 1 } },
      required: ['seats'],
      additionalProperties: false,
    };
    const seen: ModelTurnInput[] = [];
    const model = scripted([() => call('pos_list_tables', { seats: 4 }), () => final('Table 7 is free.')]);
    const run = await start(
      { prompt: 'Which table is free for 4?', mcpTools: ['pos.list_tables'] },
      {
        assistant: (input) => (seen.push(input), model(input)),
        mcp: (input) =>
          input.op === 'describe'
            ? { tools: [{ name: 'pos.list_tables', description: 'Free tables', inputSchema: schema }] }
            : { result: { tables: [7], asked: input.args } },
      },
    );
    const done = await run.result();
    assert.equal(done.state, 'Answered');
    assert.deepEqual(
      done.steps.map((s) => s.stepId),
      ['assist/mcp-tools', 'assist/turn-1', 'assist/t1-1-pos_list_tables', 'assist/turn-2'],
    );
    assert.deepEqual(
      seen[0]!.tools.find((t) => t.name === 'pos_list_tables'),
      { name: 'pos_list_tables', description: 'Free tables', parameters: schema },
    );
    assert.deepEqual(
      run.calls('mcp').map((c) => c.input),
      [
        { op: 'describe', tools: ['pos.list_tables'] },
        { op: 'call', tool: 'pos.list_tables', args: { seats: 4 } },
      ],
    );
    assert.deepEqual(lastOf(seen[1]!), {
      role: 'tool',
      callId: 'c-pos_list_tables',
      name: 'pos_list_tables',
      result: { tables: [7], asked: { seats: 4 } },
    });
  });

  it('an MCP tool the agent refuses (its arguments break the schema) reaches the model as the error; the loop goes on', async () => {
    const seen: ModelTurnInput[] = [];
    const model = scripted([() => call('pos_list_tables', { seats: 'four' }), () => final('Sorry.')]);
    const run = await start(
      { prompt: 'Which table?', mcpTools: ['pos.list_tables'] },
      {
        assistant: (input) => (seen.push(input), model(input)),
        mcp: (input) => {
          if (input.op === 'describe') return { tools: [{ name: 'pos.list_tables', inputSchema: { type: 'object' } }] };
          throw new AgentError('INVALID_ARGUMENTS', 'pos.list_tables: seats: expected number', false);
        },
      },
    );
    const done = await run.result();
    assert.equal(done.state, 'Answered');
    const answer = lastOf(seen[1]!) as { error?: string };
    assert.match(answer.error ?? '', /seats: expected number/);
  });
});
