// test-tier: own-services (it runs a gateway alone, with no orchestrator)
// The gateway's claim and start as one recoverable sequence: a gateway that stopped between
// starting a workflow and marking its claim started leaves a claim without "started". A replay of
// the event finds the workflow by its id while Temporal keeps it; once the claim is older than
// Temporal's retention, a workflow Temporal does not know may have run and been forgotten, so the
// event is dead-lettered with the reason instead of starting a second run.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowNotFoundError } from '@temporalio/client';
import {
  LOCAL_EVENT_SOURCE,
  ServiceSet,
  deadLetters,
  postEvent,
  reservationEvent,
  temporalClient,
  testBus,
  waitFor,
} from '@baton/testkit';
import { contentDigest, type EventClaim } from '@baton/gateway';
import { reservationWorkflowId } from '@baton/workflow-reservation';
import { buckets } from '@baton/contracts';
import { Kvm } from '@nats-io/kv';
import { createHash } from 'node:crypto';
import type { Bus } from '@baton/bus';

describe('event claims across a gateway crash', () => {
  let services: ServiceSet;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  let bus: Bus;
  before(async () => {
    bus = await testBus(); // the streams and buckets, which an orchestrator would otherwise create
    services = await ServiceSet.start(['gateway']);
    temporal = await temporalClient();
  });
  after(async () => {
    await services?.stop();
    await temporal?.close();
    await bus?.close();
  });

  /** What a gateway that stopped after claiming (and perhaps starting) leaves behind. */
  const plantUnmarkedClaim = async (event: ReturnType<typeof reservationEvent>, claimedAt: Date) => {
    const workflowId = reservationWorkflowId(event.idempotencykey, LOCAL_EVENT_SOURCE);
    const claim: EventClaim = {
      workflowId,
      workflowType: 'reservation',
      eventId: event.id,
      digest: contentDigest(event),
      claimedAt: claimedAt.toISOString(),
      started: false,
    };
    const kv = await new Kvm(bus.js).open(buckets.eventClaims);
    await kv.create(createHash('sha256').update(workflowId).digest('hex'), JSON.stringify(claim));
    return { workflowId, kv };
  };
  const exists = (workflowId: string) =>
    temporal.workflow
      .getHandle(workflowId)
      .describe()
      .then(
        () => true,
        (err: unknown) => (err instanceof WorkflowNotFoundError ? false : Promise.reject(err)),
      );

  it('a replay of an event whose claim never recorded its start, older than the retention, is dead-lettered, not started again', async () => {
    const event = reservationEvent('Table for 2, Friday 7pm');
    const { workflowId } = await plantUnmarkedClaim(event, new Date(Date.now() - 3 * 24 * 3600_000));
    const answer = await postEvent(event);
    assert.equal(answer.status, 202);
    const letter = await waitFor('the dead letter', async () =>
      (await deadLetters(bus)).find((l) => l.rejectedBy === 'gateway' && l.payload.includes(event.id)),
    );
    assert.match(
      letter.reason,
      new RegExp(
        `claimed at .* for workflow ${workflowId}, whose start was never recorded.*may have run and been forgotten`,
      ),
    );
    assert.equal(await exists(workflowId), false, 'no second run');
  });

  it('a replay of an event whose claim never recorded its start, younger than the retention, starts (or finds) the workflow and marks the claim', async () => {
    const event = reservationEvent('Table for 3, Saturday 8pm');
    const { workflowId, kv } = await plantUnmarkedClaim(event, new Date(Date.now() - 60_000));
    assert.equal((await postEvent(event)).status, 202);
    try {
      await waitFor(
        'the claim marked started',
        async () =>
          (await kv.get(createHash('sha256').update(workflowId).digest('hex')))?.json<EventClaim>().started ||
          undefined,
      );
      assert.equal(await exists(workflowId), true);
    } finally {
      await temporal.workflow
        .getHandle(workflowId)
        .terminate('test over')
        .catch(() => undefined);
    }
  });
});
