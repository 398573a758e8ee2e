// The support escalation with its resolution assistant (SupportInput.assistant): a scripted model
// (a fake support-assistant agent: no model is called) works the ticket with the four tools over
// the fakes' world (fakes.ts): several turns to a refund and an answer; a refund above the limit
// approved with a changed amount or declined (the model sees why); and the rules of today when no
// model is configured or the loop reaches its turn limit.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ModelTurnInput, ModelTurnOutput, ToolCall } from '@baton/contracts';
import { AgentError, testWorkflow, type AgentFakes, type WorkflowHarness } from '@baton/workflow-kit/testing';
import support, { supportWorkflowId, type SupportAgents, type SupportInput, type SupportStatus } from '../src/index.js';
import { CUSTOMER, LATE, ORDER_ID, agents, newWorld, ticketEvent, type World } from './fakes.js';

type Reply = { calls: Array<Omit<ToolCall, 'id'>> } | { text: string };
/** A scripted model: turn n plays script[n-1] (the last one again past the end). */
const scripted =
  (script: Array<(input: ModelTurnInput) => Reply>, seen: ModelTurnInput[] = []) =>
  (input: ModelTurnInput): ModelTurnOutput => {
    seen.push(input);
    const reply = script[Math.min(input.turn, script.length) - 1]!(input);
    const usage = { inputTokens: 400, outputTokens: 40 };
    if ('text' in reply) return { finish: 'final', text: reply.text, usage, model: 'scripted', finishReason: 'stop' };
    return {
      finish: 'tools',
      calls: reply.calls.map((c, i) => ({ id: `call-${input.turn}-${i + 1}`, ...c })),
      usage,
      model: 'scripted',
      finishReason: 'tool-calls',
    };
  };
const tools = (...calls: Array<[string, Record<string, unknown>]>): Reply => ({
  calls: calls.map(([name, args]) => ({ name, args })),
});
const lastOf = (input: ModelTurnInput) => input.messages[input.messages.length - 1]!;
const refundTurn = (amountCents: number) => () =>
  tools(['refund', { orderId: ORDER_ID, amountCents, reason: 'delivered six days late' }]);

describe('support workflow with the resolution assistant', () => {
  let wf: WorkflowHarness<SupportStatus, SupportAgents>;
  before(async () => {
    wf = await testWorkflow(support);
  });
  after(() => wf?.close());

  const start = (
    world: World,
    assistant: AgentFakes<SupportAgents>['support-assistant'],
    input: Partial<SupportInput> = {},
  ) => {
    const event = ticketEvent(...LATE);
    return wf.startWith({ event, assistant: {}, ...input } satisfies SupportInput, {
      workflowId: supportWorkflowId(event.idempotencykey, event.source),
      agents: { ...agents(world), 'support-assistant': assistant },
    });
  };

  it('works a late delivery in turns: looks the order up and searches the documentation, refunds and leaves a note, answers; its answer is emailed', async () => {
    const world = newWorld();
    const seen: ModelTurnInput[] = [];
    const model = scripted(
      [
        () => tools(['lookup_order', { orderId: ORDER_ID }], ['search_docs', { query: LATE[0] }]),
        () =>
          tools(
            ['refund', { orderId: ORDER_ID, amountCents: 5_200, reason: 'late delivery: refunded in full' }],
            ['add_note', { text: 'Refunded in full for a late delivery.' }],
          ),
        () => ({ text: 'We are sorry your kettle came late: we refunded 52.00 EUR.' }),
      ],
      seen,
    );
    const run = await start(world, model);
    const done = await run.result();
    assert.equal(done.state, 'Resolved');
    assert.deepEqual(
      done.steps.map((s) => s.stepId),
      [
        'crm-lookup',
        'assistant/turn-1',
        'assistant/t1-1-lookup_order',
        'assistant/t1-2-search_docs',
        'assistant/turn-2',
        'assistant/t2-1-refund',
        'assistant/t2-2-add_note',
        'assistant/turn-3',
        'ticket-log',
        'email',
      ],
    );
    assert.deepEqual(
      world.refunds.map((r) => [r.amountCents, r.status]),
      [[5_200, 'issued']],
    );
    assert.equal(done.resolution?.refundId, world.refunds[0]!.refundId);
    assert.deepEqual(
      world.ticketLog.map((e) => [e.kind, e.handledBy]),
      [
        ['note', 'baton'],
        ['resolved', 'baton'],
      ],
    );
    assert.deepEqual(world.emails, [
      { to: CUSTOMER.email, kind: 'resolved', text: 'We are sorry your kettle came late: we refunded 52.00 EUR.' },
    ]);
    // The documentation's answer reached the model as the tool's result.
    assert.match(JSON.stringify(seen[1]!.messages.at(-1)), /We refund a late order in full/);
    assert.deepEqual(
      seen[0]!.tools.map((t) => t.name),
      ['lookup_order', 'search_docs', 'refund', 'add_note', 'read_result'],
    );
    assert.equal(done.assistant?.turns, 3);
    assert.deepEqual(done.assistant?.usage, { inputTokens: 1_200, outputTokens: 120 });
    const row = support.view!.context!(done, undefined).find((r) => r.id === 'assistant')?.value ?? '';
    assert.match(row, /^3 turns, 1320 tokens, answered\n/, 'the console shows the transcript');
    assert.match(row, /refund\(\{"orderId":"ord-1","amountCents":5200/);
    assert.equal(done.assistantFallback, undefined);
  });

  it('a refund above the limit waits for a person, who sees the call and the transcript and approves a smaller amount: that amount is refunded', async () => {
    const world = newWorld();
    const model = scripted([
      () => tools(['lookup_order', {}]),
      refundTurn(5_200),
      () => ({ text: 'We refunded part of your order.' }),
    ]);
    const run = await start(world, model, { refundLimitCents: 3_000 });
    const waiting = await run.waitFor('Awaiting approval');
    assert.equal(waiting.gate?.gateType, 'support.refund');
    const rows = support.view!.context!(waiting, undefined);
    assert.match(rows.find((r) => r.id === 'refund')?.value ?? '', /^52\.00 EUR on order ord-1/);
    assert.match(rows.find((r) => r.id === 'transcript')?.value ?? '', /lookup_order/);
    assert.equal(world.refunds.length, 0, 'nothing refunded before the person decides');
    await run.decide('approve-with-changes', { role: 'manager', by: 'mia', changes: { amountCents: 2_500 } });
    const done = await run.result();
    assert.equal(done.state, 'Resolved');
    assert.deepEqual(
      world.refunds.map((r) => r.amountCents),
      [2_500],
    );
    assert.equal(done.proposal?.amountCents, 2_500);
    assert.equal(done.handledBy, 'mia');
    assert.deepEqual(
      world.ticketLog.map((e) => [e.kind, e.handledBy]),
      [['resolved', 'mia']],
    );
  });

  it('a refund the person declines is not made; the model sees the reason and answers, and the ticket is answered', async () => {
    const world = newWorld();
    const seen: ModelTurnInput[] = [];
    const model = scripted(
      [() => tools(['lookup_order', {}]), refundTurn(5_200), () => ({ text: 'A colleague will look at your order.' })],
      seen,
    );
    const run = await start(world, model, { refundLimitCents: 3_000 });
    await run.waitFor('Awaiting approval');
    await run.decide('decline', { role: 'manager', by: 'mia', reason: 'the carrier confirmed delivery on time' });
    const done = await run.result();
    assert.equal(done.state, 'Answered');
    assert.deepEqual(world.refunds, []);
    assert.deepEqual(lastOf(seen[2]!), {
      role: 'tool',
      callId: 'call-2-1',
      name: 'refund',
      error: 'mia declined the refund call: the carrier confirmed delivery on time',
    });
    assert.deepEqual(
      world.emails.map((e) => [e.kind, e.text]),
      [['answered', 'A colleague will look at your order.']],
    );
  });

  it('a refund of more than the order can still refund is refused before anyone is asked; the model sees why', async () => {
    const world = newWorld();
    const seen: ModelTurnInput[] = [];
    const run = await start(
      world,
      scripted([() => tools(['lookup_order', {}]), refundTurn(9_999_00), () => ({ text: 'ok' })], seen),
      { refundLimitCents: 3_000 },
    );
    const done = await run.result();
    assert.equal(done.state, 'Answered');
    assert.equal(done.gate, undefined);
    assert.match(String((lastOf(seen[2]!) as { error?: string }).error), /between 1 and 5200/);
  });

  it('with no model configured the rules of today resolve the ticket, after one turn that says so', async () => {
    const world = newWorld();
    const run = await start(world, () => {
      throw new AgentError(
        'MODEL_NOT_CONFIGURED',
        'no model provider is configured for support-resolution and it has no rules',
        false,
      );
    });
    const done = await run.result();
    assert.equal(done.state, 'Resolved');
    assert.deepEqual(
      done.steps.map((s) => s.stepId),
      ['crm-lookup', 'assistant/turn-1', 'order-check', 'docs-search', 'resolve', 'ticket-log', 'email'],
    );
    assert.match(done.assistantFallback ?? '', /no model provider/);
    assert.match(
      support.view!.context!(done, undefined).find((r) => r.id === 'assistant')?.value ?? '',
      /^0 turns, 0 tokens, failed \(the rules took over: .*no model provider/,
    );
    assert.deepEqual(
      world.emails.map((e) => e.text),
      [`We refunded 52.00 EUR for order ${ORDER_ID}.`],
    );
    assert.equal(done.gate, undefined, 'no person was asked');
  });

  it('at its turn limit the assistant hands the ticket to the rules', async () => {
    const world = newWorld();
    const run = await start(world, scripted([() => tools(['lookup_order', {}])]), { assistant: { maxTurns: 2 } });
    const done = await run.result();
    assert.equal(done.state, 'Resolved');
    assert.equal(run.calls('support-assistant').length, 2);
    assert.match(done.assistantFallback ?? '', /2 model turns/);
    assert.deepEqual(
      world.refunds.map((r) => r.amountCents),
      [5_200],
      'the rules refunded, once',
    );
  });
});
