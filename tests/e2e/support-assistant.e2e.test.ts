// test-tier: own-services (the gateway runs the resolution assistant; its agent talks to a simulated model API, and is
// killed)
// The support escalation's resolution assistant on the real stack, with the model API simulated (the paid outer edge):
// a loop of four model turns with tool calls (order lookup, documentation search, a refund above the limit, a note)
// completes; the refund waits in the console, a manager approves it with a smaller amount over the console's HTTP API
// and the loop goes on with it; Zipkin shows every turn with its tokens and every tool call as its agent's step. Then
// kill -9 of the assistant's agent while the model is still thinking over a turn: only that turn is asked again, and
// nothing a tool did is done twice. Then kill -9 of the orchestrator (the workflow worker and the result bridge) while
// the model thinks over a turn, which finishes while the orchestrator is down: no turn is asked again, and no refund or
// note is made twice. Last, a 1 MB help article the documentation search returns in full reaches the model as a
// reference and a short summary (the docs agent put it in the object store), and read_result gives the model a page of
// it: no request the model API received carries the megabyte.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  consoleUsers,
  fetchTrace,
  newTraceparent,
  postEvent,
  stackEnv,
  startSimulatedModelApi,
  waitFor,
  type ChatRequest,
  type ModelReply,
  type SimulatedModelApi,
  type ZipkinSpan,
} from '@baton/testkit';
import { statusQuery } from '@baton/workflow-kit';
import type { SupportStatus } from '@baton/workflow-support';
import { startStack, type Stack } from './support.js';
import { LATE, customerWithOrder, emailsTo, orders, ticketEntries, ticketEvent } from './support-escalation.js';

type Script = (turn: number, request: ChatRequest) => ModelReply | Promise<ModelReply>;
/** The turn a request plays: the assistant messages it was sent, plus one. */
const turnOf = (request: ChatRequest) => request.messages.filter((m) => m.role === 'assistant').length + 1;
/** The ticket a request is about (the loop's first user message names it). */
const ticketOf = (request: ChatRequest) =>
  /Ticket (\S+)/.exec(String(request.messages.find((m) => m.role === 'user')?.content ?? ''))?.[1] ?? '';
const usage = (turn: number) => ({ promptTokens: 300 + 100 * turn, completionTokens: 20 + turn });
/** A help article of 1 MB. */
const CARRIER_TERMS = 'Clause: the courier contract binds the carrier to its terms. '.repeat(17_500).trim();
// Short ack wait so the killed agent's task comes back quickly (the default is 10 s).
const ACK_WAIT_MS = 2_000;

describe('support resolution assistant (model API simulated)', () => {
  let stack: Stack;
  let api: SimulatedModelApi;
  const scripts = new Map<string, Script>();
  let release: (() => void) | undefined;
  let docsDir = '';
  before(async () => {
    api = await startSimulatedModelApi();
    api.script('assist', (request) => scripts.get(ticketOf(request))!(turnOf(request), request));
    // The shipped help articles and a 1 MB one (the last test asks for it in full).
    docsDir = mkdtempSync(join(tmpdir(), 'baton-docs-'));
    cpSync(fileURLToPath(new URL('../../services/docs-agent/kb', import.meta.url)), docsDir, { recursive: true });
    writeFileSync(
      join(docsDir, 'carrier-terms.md'),
      `---\ntitle: Carrier terms\ntags: carrier, courier contract\n---\n${CARRIER_TERMS}`,
    );
    stack = await startStack({
      workflows: ['support'],
      // The assistant's agent runs as a process of its own: the second test kills it.
      hosted: { except: ['support-assistant'] },
      env: {
        BATON_SUPPORT_ASSISTANT: 'true',
        BATON_SUPPORT_REFUND_LIMIT_CENTS: '3000',
        BATON_MODELS: 'assist',
        BATON_MODEL_ASSIST_PROVIDER: 'openai-compatible',
        BATON_MODEL_ASSIST_BASE_URL: api.baseUrl('assist'),
        BATON_MODEL_ASSIST_MODEL: 'assist-model',
        BATON_MODEL_MAX_RETRIES: '0',
        BATON_AGENT_ACK_WAIT_MS: String(ACK_WAIT_MS),
        BATON_DOCS_DIR: docsDir,
      },
      readyTimeoutMs: 180_000,
    });
  });
  after(async () => {
    release?.();
    await stack?.close();
    await api?.close();
    if (docsDir) rmSync(docsDir, { recursive: true, force: true });
  });

  it('works a ticket in four turns; the refund above the limit is approved with a smaller amount in the console and the loop continues with it; Zipkin shows each turn and tool call', async () => {
    const who = await customerWithOrder();
    const event = ticketEvent(who, ...LATE);
    scripts.set(event.data.ticketId, (turn) => {
      if (turn === 1)
        return {
          content: '',
          toolCalls: [
            { name: 'lookup_order', arguments: {} },
            { name: 'search_docs', arguments: { query: LATE[0] } },
          ],
          ...usage(turn),
        };
      if (turn === 2)
        return {
          content: '',
          toolCalls: [
            {
              name: 'refund',
              arguments: { orderId: who.orderId, amountCents: 5_200, reason: 'delivered six days late' },
            },
          ],
          ...usage(turn),
        };
      if (turn === 3)
        return {
          content: '',
          toolCalls: [{ name: 'add_note', arguments: { text: 'Refund approved by a manager.' } }],
          ...usage(turn),
        };
      return { content: 'We are sorry your kettle came late: we refunded part of your order.', ...usage(turn) };
    });
    const { traceparent, traceId } = newTraceparent();
    const posted = await postEvent(event, { traceparent });
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    const workflowId = String(posted.body.workflowId);
    const statusOf = () => stack.temporal.workflow.getHandle(workflowId).query(statusQuery) as Promise<SupportStatus>;

    const waiting = await waitFor(
      'the refund to wait for a person',
      async () => {
        const s = await statusOf();
        return s.state === 'Awaiting approval' ? s : undefined;
      },
      { timeoutMs: 120_000 },
    );
    assert.equal(waiting.gate?.gateType, 'support.refund');
    assert.deepEqual((waiting.gate?.payload as { args?: unknown }).args, {
      orderId: who.orderId,
      amountCents: 5_200,
      reason: 'delivered six days late',
    });
    assert.equal(waiting.assistant?.turns, 2, 'the transcript is in the status');
    assert.equal((await orders.refunds(event.data.ticketId)).length, 0, 'nothing refunded before the decision');

    const manager = consoleUsers.manager;
    const response = await fetch(`${stackEnv().BATON_CONSOLE_URL}/api/decisions/${encodeURIComponent(workflowId)}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${manager.username}:${manager.password}`).toString('base64')}`,
      },
      body: JSON.stringify({
        gateId: waiting.gate!.gateId,
        digest: waiting.gate!.digest,
        decision: 'approve-with-changes',
        reason: 'half: the kettle works',
        changes: { amountCents: 2_500 },
      }),
      signal: AbortSignal.timeout(30_000),
    });
    assert.equal(response.status, 200, await response.clone().text());

    const done = await waitFor(
      'the ticket resolved',
      async () => {
        const s = await statusOf();
        return s.state === 'Resolved' ? s : undefined;
      },
      { timeoutMs: 120_000 },
    );
    assert.deepEqual(
      (await orders.refunds(event.data.ticketId)).map((r) => [r.amountCents, r.status]),
      [[2_500, 'issued']],
      'refunded once, the approved amount',
    );
    assert.equal(done.handledBy, manager.username);
    // (The ticketing system lists a ticket's entries in no particular order.)
    assert.deepEqual((await ticketEntries(event.data.ticketId)).map((e) => `${e.kind} by ${e.handledBy}`).sort(), [
      'note by baton',
      `resolved by ${manager.username}`,
    ]);
    assert.deepEqual(await emailsTo(who.email), ['support-resolved']);
    const requests = api.requests('assist').filter((r) => ticketOf(r) === event.data.ticketId);
    assert.deepEqual(requests.map(turnOf), [1, 2, 3, 4], 'one model call per turn: none repeated');
    // The model saw the amount that ran.
    const refundResult = requests[2]!.messages.at(-1)!;
    assert.equal(refundResult.role, 'tool');
    assert.match(String(refundResult.content), /"refundId"/);
    assert.equal(done.assistant?.turns, 4);
    assert.deepEqual(done.assistant?.usage, { inputTokens: 400 + 500 + 600 + 700, outputTokens: 21 + 22 + 23 + 24 });

    // Every turn a span with its tokens; every tool call its agent's step in the same trace.
    const steps = [
      'assistant/t1-1-lookup_order',
      'assistant/t1-2-search_docs',
      'assistant/t2-1-refund',
      'assistant/t3-1-add_note',
    ];
    let seen: { chats: ZipkinSpan[]; steps: string[] } = { chats: [], steps: [] };
    await waitFor(
      'every turn and tool call in the trace',
      async () => {
        const trace = await fetchTrace(traceId);
        const spans = trace?.spans ?? [];
        seen = {
          chats: spans.filter((s) => s.name === 'chat assist-model'),
          steps: spans.map((s) => s.tags?.['baton.step'] ?? ''),
        };
        return seen.chats.length === 4 && steps.every((s) => seen.steps.includes(s)) ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    ).catch((err: unknown) =>
      assert.fail(
        `${(err as Error).message}; chat spans ${seen.chats.length}, steps ${seen.steps.filter((s) => s.startsWith('assistant/')).join(', ')}`,
      ),
    );
    const tokens = seen.chats.map((s) => Number(s.tags?.['gen_ai.usage.input_tokens'])).sort((a, b) => a - b);
    assert.deepEqual(tokens, [400, 500, 600, 700]);
    assert.ok(
      seen.chats.every(
        (s) => s.localEndpoint?.serviceName === 'agent-support-assistant' && s.tags?.['gen_ai.response.finish_reasons'],
      ),
    );
  });

  it('kill -9 of the assistant agent while the model thinks over a turn: that turn is asked again, no finished turn is paid twice, nothing a tool did is repeated', async () => {
    const who = await customerWithOrder();
    const event = ticketEvent(who, ...LATE);
    let thinking = 0;
    scripts.set(event.data.ticketId, (turn) => {
      if (turn === 1) return { content: '', toolCalls: [{ name: 'lookup_order', arguments: {} }], ...usage(turn) };
      if (turn === 2)
        return {
          content: '',
          toolCalls: [{ name: 'refund', arguments: { orderId: who.orderId, amountCents: 2_000, reason: 'late' } }],
          ...usage(turn),
        };
      // The first ask of turn 3 is never answered while its caller lives: the agent is killed then.
      if (++thinking === 1)
        return new Promise<ModelReply>((resolve) => (release = () => resolve({ content: 'too late', ...usage(turn) })));
      return { content: 'We refunded 20.00 EUR for your late order.', ...usage(turn) };
    });
    const posted = await postEvent(event);
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    const workflowId = String(posted.body.workflowId);
    await waitFor('the third turn at the model', async () => thinking === 1 || undefined, { timeoutMs: 120_000 });
    const assistant = stack.services.get('support-assistant');
    await assistant.kill9();
    await assistant.start();

    const done = await waitFor(
      'the ticket resolved',
      async () => {
        const s = (await stack.temporal.workflow.getHandle(workflowId).query(statusQuery)) as SupportStatus;
        return s.state === 'Resolved' ? s : undefined;
      },
      { timeoutMs: 120_000 },
    );
    const turns = api
      .requests('assist')
      .filter((r) => ticketOf(r) === event.data.ticketId)
      .map(turnOf);
    assert.deepEqual(
      turns,
      [1, 2, 3, 3],
      'turns 1 and 2 finished before the kill and were not asked again; turn 3 was',
    );
    assert.deepEqual(
      (await orders.refunds(event.data.ticketId)).map((r) => [r.amountCents, r.status]),
      [[2_000, 'issued']],
      'refunded once',
    );
    assert.equal(done.assistant?.turns, 3);
    assert.deepEqual(await emailsTo(who.email), ['support-resolved']);
  });

  it('kill -9 of the orchestrator mid-loop: the turn that finished while it was down is not asked again, no refund or note is made twice', async () => {
    const who = await customerWithOrder();
    const event = ticketEvent(who, ...LATE);
    let held: ((reply: ModelReply) => void) | undefined;
    scripts.set(event.data.ticketId, (turn) => {
      if (turn === 1)
        return {
          content: '',
          toolCalls: [
            { name: 'lookup_order', arguments: {} },
            { name: 'add_note', arguments: { text: 'Customer says late.' } },
          ],
          ...usage(turn),
        };
      if (turn === 2)
        return {
          content: '',
          toolCalls: [{ name: 'refund', arguments: { orderId: who.orderId, amountCents: 1_500, reason: 'late' } }],
          ...usage(turn),
        };
      // Turn 3 is answered only once the orchestrator is dead.
      if (turn === 3) return new Promise<ModelReply>((resolve) => (held = resolve));
      return { content: 'We refunded 15.00 EUR for your late order.', ...usage(turn) };
    });
    const posted = await postEvent(event);
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    const workflowId = String(posted.body.workflowId);
    await waitFor('the third turn at the model', async () => held !== undefined || undefined, { timeoutMs: 120_000 });
    const orchestrator = stack.services.get('orchestrator');
    await orchestrator.kill9();
    // The turn finishes while nobody runs the workflow: its result waits on the bus.
    held!({ content: '', toolCalls: [{ name: 'add_note', arguments: { text: 'Refunded 15.00 EUR.' } }], ...usage(3) });
    await orchestrator.start();

    const done = await waitFor(
      'the ticket resolved',
      async () => {
        const s = (await stack.temporal.workflow.getHandle(workflowId).query(statusQuery)) as SupportStatus;
        return s.state === 'Resolved' ? s : undefined;
      },
      { timeoutMs: 120_000 },
    );
    const turns = api
      .requests('assist')
      .filter((r) => ticketOf(r) === event.data.ticketId)
      .map(turnOf);
    assert.deepEqual(
      turns,
      [1, 2, 3, 4],
      'each turn asked once: turn 3 finished while the orchestrator was down and was not asked again',
    );
    assert.deepEqual(
      (await orders.refunds(event.data.ticketId)).map((r) => [r.amountCents, r.status]),
      [[1_500, 'issued']],
      'refunded once',
    );
    const notes = (await ticketEntries(event.data.ticketId))
      .filter((e) => e.kind === 'note')
      .map((e) => e.summary)
      .sort();
    assert.deepEqual(notes, ['Customer says late.', 'Refunded 15.00 EUR.'], 'each note made once');
    assert.equal(done.assistant?.turns, 4);
  });

  it('a 1 MB article the documentation search returns reaches the model as a reference and a short summary; read_result gives it a page; no request carries the megabyte', async () => {
    const who = await customerWithOrder();
    const event = ticketEvent(who, 'Courier terms', 'What do the carrier terms say about the courier contract?');
    const lastTool = (request: ChatRequest) =>
      JSON.parse(String(request.messages.at(-1)!.content)) as Record<string, unknown>;
    scripts.set(event.data.ticketId, (turn, request) => {
      if (turn === 1)
        return {
          content: '',
          toolCalls: [{ name: 'search_docs', arguments: { query: 'carrier terms courier contract', full: true } }],
          ...usage(turn),
        };
      if (turn === 2)
        return {
          content: '',
          toolCalls: [
            {
              name: 'read_result',
              arguments: { ref: (lastTool(request).reference as { ref: string }).ref, offset: 0 },
            },
          ],
          ...usage(turn),
        };
      return { content: 'The carrier is bound by the courier contract.', ...usage(turn) };
    });
    const posted = await postEvent(event);
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    const workflowId = String(posted.body.workflowId);
    const handle = stack.temporal.workflow.getHandle(workflowId);
    await waitFor(
      'the ticket answered',
      async () => ((await handle.query(statusQuery)) as SupportStatus).state === 'Answered' || undefined,
      { timeoutMs: 120_000 },
    );

    const requests = api.requests('assist').filter((r) => ticketOf(r) === event.data.ticketId);
    assert.deepEqual(requests.map(turnOf), [1, 2, 3]);
    const reference = lastTool(requests[1]!).reference as { ref: string; size: number; summary: string };
    assert.match(reference.ref, /^artifact:.*\/assistant\/t1-1-search_docs\/output\.json@/);
    assert.ok(reference.size > CARRIER_TERMS.length, `the reference's size ${reference.size}`);
    assert.ok(reference.summary.length <= 500 && reference.summary.startsWith('{"hits":'), reference.summary);
    const page = lastTool(requests[2]!) as { text: string; offset: number; next: number };
    assert.equal(page.text.length, 4_000);
    assert.equal(page.next, 4_000);
    assert.ok(
      page.text.startsWith('{"hits":') && page.text.includes('Clause: the courier contract'),
      'the page is the start of the stored result',
    );
    const sizes = requests.map((r) => JSON.stringify(r).length);
    assert.ok(
      sizes.every((n) => n < 30_000),
      `request sizes ${sizes.join(', ')}: none carries the megabyte`,
    );
    // Nor does the workflow's history (the search step's output is the reference).
    const history = JSON.stringify(await handle.fetchHistory());
    assert.ok(history.length < 300_000, `the history is ${history.length} characters`);
  });
});
