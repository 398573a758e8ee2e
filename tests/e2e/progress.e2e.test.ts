// A requester follows its reservation on the real gateway (docs/progress.md): GET /progress,
// signed by the webhook source that posted the request, streams every state change, step and gate
// as Server-Sent Events in order; a client that disconnects at the gate and reconnects with
// Last-Event-ID after the decision misses nothing and sees nothing twice, and the stream ends with
// the outcome. An unsigned request and another source are refused. A NATS publisher reads its own
// workflow's progress from the stream and may not read another's. What each event holds (and
// that no personal data does) is specified in workflows/reservation/test/progress.workflow.test.ts.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { connectBus, followStream, publishJson, publisherIdentity, withTimeout } from '@baton/bus';
import { decide } from '@baton/console';
import { eventSources, progressSubjects, publisherEvents, streams, type ProgressEvent } from '@baton/contracts';
import {
  addNatsPublisher,
  localWebhookCredentials,
  postEvent,
  putWebhookSource,
  reservationEvent,
  stackEnv,
  waitFor,
  type WebhookCredentials,
} from '@baton/testkit';
import { reservationWorkflowId } from '@baton/workflow-reservation';
import { startStack, waitForState, withEarlierBooking, type Stack } from './support.js';

interface Received {
  id: number;
  event: ProgressEvent;
}

/** The headers a source signs a GET with: HMAC-SHA256 over "<timestamp>.GET <path and query>". */
function signedGet(target: string, creds: WebhookCredentials): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `v1=${createHmac('sha256', creds.secret).update(`${timestamp}.GET ${target}`).digest('hex')}`;
  return { 'x-baton-source': creds.source, 'x-baton-timestamp': timestamp, 'x-baton-signature': signature };
}

const targetOf = (workflowId: string) => `/progress?workflowId=${encodeURIComponent(workflowId)}`;

/** Opens the stream and reads events until `until` says stop (then disconnects) or the server
 *  ends it; bounded: a stream that goes quiet for 30 s fails the test. */
async function follow(
  workflowId: string,
  options: { lastEventId?: number; until?: (e: ProgressEvent) => boolean } = {},
): Promise<{ events: Received[]; endedByServer: boolean }> {
  const abort = new AbortController();
  const target = targetOf(workflowId);
  const response = await fetch(`${stackEnv().BATON_GATEWAY_URL}${target}`, {
    headers: {
      accept: 'text/event-stream',
      ...signedGet(target, localWebhookCredentials()),
      ...(options.lastEventId !== undefined ? { 'last-event-id': String(options.lastEventId) } : {}),
    },
    signal: abort.signal,
  });
  assert.equal(response.status, 200, await (response.status === 200 ? '' : response.text()));
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: Received[] = [];
  let buffer = '';
  try {
    for (;;) {
      let quiet: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        reader.read(),
        new Promise<never>(
          (_, reject) =>
            (quiet = setTimeout(() => reject(new Error(`no progress for 30 s after ${events.length} events`)), 30_000)),
        ),
      ]).finally(() => clearTimeout(quiet));
      if (chunk.done) return { events, endedByServer: true };
      buffer += chunk.value;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = Object.fromEntries(
          block
            .split('\n')
            .filter((l) => l && !l.startsWith(':'))
            .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trimStart()]),
        );
        if (fields.data === undefined) continue;
        const event = JSON.parse(fields.data) as ProgressEvent;
        assert.equal(fields.event, event.kind);
        events.push({ id: Number(fields.id), event });
        if (options.until?.(event)) return { events, endedByServer: false };
      }
    }
  } finally {
    abort.abort();
  }
}

describe('progress for the requester', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
  });

  it('streams every state change in order, resumes from Last-Event-ID without a gap or a repeat, and ends with the outcome', async () => {
    const event = await withEarlierBooking(
      stack,
      reservationEvent('Table for 4, Friday 7pm, customer is a regular, allergic to shellfish'),
    );
    const workflowId = String((await postEvent(event)).body.workflowId);

    // Follow until the gate opens, then disconnect.
    const first = await follow(workflowId, { until: (e) => e.kind === 'gate.opened' });
    assert.equal(first.endedByServer, false);
    await waitForState(stack, workflowId, 'Awaiting approval');
    await decide(stack.temporal, workflowId, {
      decision: 'approve',
      decidedBy: 'manager-mia',
      role: 'manager',
      reason: 'kitchen briefed',
    });
    await waitForState(stack, workflowId, 'Confirmed');

    // Reconnect where it stopped: the rest, up to the outcome, and the server ends the stream.
    const rest = await follow(workflowId, { lastEventId: first.events.at(-1)!.id });
    assert.equal(rest.endedByServer, true);
    assert.equal(rest.events.at(-1)?.event.kind, 'outcome');

    // Nothing missed, nothing twice: what a client reading from the start gets, in the same order.
    const whole = await follow(workflowId);
    const joined = [...first.events, ...rest.events];
    assert.deepEqual(
      joined.map((r) => r.id),
      whole.events.map((r) => r.id),
    );
    assert.deepEqual(
      joined.map((r) => r.event.seq),
      joined.map((_, i) => i + 1),
      'the workflow numbered them 1, 2, 3... and every one arrived',
    );
    const ids = joined.map((r) => r.id);
    assert.ok(
      ids.every((id, i) => i === 0 || id > ids[i - 1]!),
      'event ids rise',
    );
    assert.deepEqual(
      joined.filter((r) => r.event.kind === 'state').map((r) => r.event.state),
      [
        'Understanding request',
        'Holding table',
        'Checking safety',
        'Awaiting approval',
        'Charging deposit',
        'Booking',
        'Confirming to customer',
        'Confirmed',
      ],
    );
    const gate = joined
      .filter((r) => r.event.kind.startsWith('gate.'))
      .map((r) => `${r.event.kind} ${r.event.gateType} ${r.event.decision ?? ''} ${r.event.decidedBy ?? ''}`.trim());
    assert.deepEqual(gate, ['gate.opened reservation.allergy', 'gate.decided reservation.allergy approve person']);
    assert.deepEqual(rest.events.at(-1)?.event, {
      ...rest.events.at(-1)!.event,
      kind: 'outcome',
      state: 'Confirmed',
      succeeded: true,
    });
    assert.ok(
      !JSON.stringify(joined).includes('manager-mia') && !JSON.stringify(joined).includes('shellfish'),
      'no person and no request in the stream',
    );
  });

  it('refuses an unsigned request, and another source gets the same 404 as a workflow that does not exist', async () => {
    const workflowId = String((await postEvent(reservationEvent('Table for 2, Sunday 1pm'))).body.workflowId);
    const url = `${stackEnv().BATON_GATEWAY_URL}${targetOf(workflowId)}`;
    const unsigned = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    assert.equal(unsigned.status, 401);

    const other: WebhookCredentials = {
      source: `other-${randomBytes(4).toString('hex')}`,
      secret: randomBytes(32).toString('base64url'),
    };
    await putWebhookSource(other.source, { secrets: [other.secret], eventTypes: ['*'] });
    const asOther = async (target: string) => {
      for (const deadline = Date.now() + 5_000; ; ) {
        const answer = await fetch(`${stackEnv().BATON_GATEWAY_URL}${target}`, {
          headers: signedGet(target, other),
          signal: AbortSignal.timeout(10_000),
        });
        const body = (await answer.json()) as { error?: string };
        // The gateway may not have read the new source yet.
        if (body.error !== 'UNKNOWN_SOURCE' || Date.now() > deadline) return { status: answer.status, body };
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const notTheirs = await asOther(targetOf(workflowId));
    assert.deepEqual([notTheirs.status, notTheirs.body.error], [404, 'UNKNOWN_WORKFLOW']);
    const nowhere = await asOther(targetOf(`${workflowId}-nowhere`));
    assert.deepEqual([nowhere.status, nowhere.body.error], [404, 'UNKNOWN_WORKFLOW']);

    // A signature over another target (another workflow's stream) does not open this one.
    const target = targetOf(workflowId);
    const moved = await fetch(url, {
      headers: signedGet(`${target}x`, localWebhookCredentials()),
      signal: AbortSignal.timeout(10_000),
    });
    assert.equal(moved.status, 401);
  });

  it("lets a NATS publisher read its own workflow's progress from the stream, and nobody else's", async () => {
    const publisher = `progress-${randomBytes(3).toString('hex')}`;
    const seed = await addNatsPublisher(publisher, ['reservation.requested.v1']);
    const bus = await waitFor('the publisher identity to connect', () =>
      connectBus({ servers: stackEnv().BATON_NATS_URL, name: publisherIdentity(publisher), nkeySeed: seed }).catch(
        () => undefined,
      ),
    );
    try {
      const event = reservationEvent('Table for 2, Sunday 1pm');
      await publishJson(bus.js, publisherEvents.subject(publisher, event.type), event, { msgID: event.id });
      const workflowId = reservationWorkflowId(event.idempotencykey, eventSources.nats(publisher));
      const own = await followStream<ProgressEvent>(bus, streams.progress, {
        filterSubject: progressSubjects.of(eventSources.nats(publisher), workflowId),
      });
      const states: string[] = [];
      const read = async () => {
        for await (const m of own) {
          if (m.value.kind === 'state') states.push(m.value.state!);
          if (m.value.kind === 'outcome') return;
        }
      };
      await withTimeout('reading the workflow to its outcome', 60_000, read()).finally(() => own.stop());
      assert.deepEqual(states.at(0), 'Understanding request');
      assert.equal(states.at(-1), 'Confirmed');

      // Another source's workflow: the server refuses the consumer.
      const theirs = String((await postEvent(reservationEvent('Table for 2, Sunday 2pm'))).body.workflowId);
      const denied = bus.permissionDenials;
      await assert.rejects(followStream(bus, streams.progress, { filterSubject: progressSubjects.ofWorkflow(theirs) }));
      assert.ok(bus.permissionDenials > denied, 'the server refused it for permissions');
    } finally {
      await bus.close();
    }
  });
});
