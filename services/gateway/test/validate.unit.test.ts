import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry, isUpcastRoute } from '@baton/workflow-kit';
import { eventFromSubject, validateEvent, withSource } from '../src/gateway.js';
import { WebhookSource } from '../src/sources.js';

const registry = await Registry.load();

const event = {
  id: 'e1',
  source: 'urn:test',
  specversion: '1.0',
  type: 'reservation.requested.v1',
  time: '2026-11-23T10:00:00Z',
  idempotencykey: 'k1',
  data: { text: 'Table for 2', customer: { id: 'c', name: 'Ada' } },
};

describe('gateway validation', () => {
  it('derives the workflow id from the idempotency key, scoped by the source that sent it', () => {
    const result = validateEvent(registry, event);
    assert.equal(result.ok && result.workflowId, 'reservation-urn%3Atest/k1');
    const fromA = validateEvent(registry, withSource(event, 'webhook.a'));
    const fromB = validateEvent(registry, withSource(event, 'webhook.b'));
    assert.ok(
      fromA.ok && fromB.ok && fromA.workflowId !== fromB.workflowId,
      "one source's key never names another's workflow",
    );
  });

  it("takes a NATS publisher's source from its subject, never the body, and holds it to the type of its subject", () => {
    const forged = { ...event, source: 'webhook.local-stack' };
    const taken = eventFromSubject('baton.events.from.pos.reservation.requested.v1', forged);
    assert.equal(taken.ok && (taken.payload as { source: string }).source, 'nats.pos');
    const wrongType = eventFromSubject('baton.events.from.pos.pos.order.v1', forged);
    assert.match(
      !wrongType.ok ? wrongType.reason : '',
      /publisher pos sent a reservation.requested.v1 event on its subject for pos.order.v1/,
    );
    const viaGateway = eventFromSubject('baton.events.reservation.requested.v1', forged);
    assert.equal(
      viaGateway.ok && (viaGateway.payload as { source: string }).source,
      'webhook.local-stack',
      'the gateway set it from the signature',
    );
  });

  it('refuses a webhook source whose secret the repository published (an earlier example)', () => {
    const source = WebhookSource.safeParse({
      secrets: ['example-only-accounting-webhook-secret-change-me'],
      eventTypes: ['bill.received.v1'],
    });
    assert.equal(source.success, false);
    assert.match(JSON.stringify(source.error?.issues), /published in the Baton repository/);
  });

  it('names an unknown event type', () => {
    const result = validateEvent(registry, { ...event, type: 'reservation.cancelled.v9' });
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.reason : '', /unknown event type "reservation.cancelled.v9"/);
  });

  it('reports every problem of a known type in one reason', () => {
    const result = validateEvent(registry, { ...event, time: 'yesterday', data: { text: '', customer: {} } });
    const reason = !result.ok ? result.reason : '';
    for (const field of ['time', 'data.text', 'data.customer.id', 'data.customer.name'])
      assert.match(reason, new RegExp(`${field.replace('.', '\\.')}:`));
  });

  it('explains a payload that is not an envelope at all', () => {
    const result = validateEvent(registry, 42);
    assert.match(!result.ok ? result.reason : '', /invalid envelope/);
  });

  it('upcasts a v1 event to the version that starts the workflow, with nothing stated', () => {
    const result = validateEvent(registry, event);
    assert.ok(result.ok);
    assert.equal(result.received.type, 'reservation.requested.v1', 'what was sent is what is published and claimed');
    const input = result.start.input as { event: { type: string; data: Record<string, unknown> } };
    assert.equal(input.event.type, 'reservation.requested.v2');
    assert.deepEqual(input.event.data, { ...event.data, partySize: null, date: null, time: null });
  });

  it('starts the same workflow from a v2 event, and names what is wrong with an invalid one', () => {
    const v2 = {
      ...event,
      type: 'reservation.requested.v2',
      data: { ...event.data, partySize: 3, date: '2026-11-28', time: '20:30' },
    };
    const result = validateEvent(registry, v2);
    assert.equal(result.ok && result.start.workflowName, 'reservationWorkflow');
    const bad = validateEvent(registry, { ...v2, data: { ...event.data, partySize: 0, date: 'Saturday' } });
    assert.match(
      !bad.ok ? bad.reason : '',
      /^invalid reservation\.requested\.v2: .*data\.partySize: .*data\.date: .*data\.time:/,
    );
  });

  it('refuses a version past its last day, naming the version to send', () => {
    const reservation = registry.workflow('reservation')!;
    const v1 = reservation.events['reservation.requested.v1']!;
    assert.ok(isUpcastRoute(v1));
    const retired = Registry.of([
      {
        ...reservation,
        events: { ...reservation.events, 'reservation.requested.v1': { ...v1, acceptedUntil: '2026-01-31' } },
      },
    ]);
    const result = validateEvent(retired, event);
    assert.equal(
      !result.ok && result.reason,
      'reservation.requested.v1 is no longer accepted (its last day was 2026-01-31): send reservation.requested.v2',
    );
  });

  it('dead-letters an event whose upcast breaks the next version, with the reason', () => {
    const reservation = registry.workflow('reservation')!;
    const v1 = reservation.events['reservation.requested.v1']!;
    assert.ok(isUpcastRoute(v1));
    const broken = Registry.of([
      {
        ...reservation,
        events: {
          ...reservation.events,
          'reservation.requested.v1': {
            ...v1,
            upcast: (e: typeof event) => ({ ...e, type: 'reservation.requested.v2' }),
          },
        },
      },
    ]);
    const result = validateEvent(broken, event);
    assert.match(
      !result.ok ? result.reason : '',
      /^reservation\.requested\.v1 upcast to reservation\.requested\.v2 is invalid: data\.partySize/,
    );
  });
});
