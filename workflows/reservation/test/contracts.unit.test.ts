// The reservation's own event and its registration, as the gateway and the bridge see them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry, isUpcastRoute } from '@baton/workflow-kit';
import registration, { ReservationRequested, ReservationRequestedV2, upcastRequestedV1 } from '../src/index.js';

const valid = {
  id: 'evt-1',
  source: 'urn:pos:host-stand',
  specversion: '1.0',
  type: 'reservation.requested.v1',
  time: '2026-11-23T18:00:00Z',
  idempotencykey: 'booking-42',
  data: { text: 'Table for 4, Friday 7pm', customer: { id: 'c-1', name: 'Ada' } },
};

describe('reservation contracts', () => {
  it('accepts a well-formed reservation.requested.v1 and refuses one without a customer', () => {
    assert.equal(ReservationRequested.parse(valid).data.customer.name, 'Ada');
    const bad = ReservationRequested.safeParse({ ...valid, data: { text: 'Table for 2' } });
    assert.deepEqual(
      bad.error?.issues.map((i) => i.path.join('.')),
      ['data.customer'],
    );
  });

  it('registers its event, its agents and its gate types without clashing with the other workflows', async () => {
    const registry = await Registry.load();
    assert.equal(registry.events.get('reservation.requested.v1')?.workflow, registration);
    for (const agent of ['intake', 'availability', 'safety', 'payment', 'booking', 'notifier'])
      assert.equal(registry.agents.get(agent)?.name, agent);
    assert.equal(
      registry.gateTypes.get('reservation.allergy')?.autoApprove,
      false,
      'an allergy never passes by earned trust',
    );
    const v2 = registration.events['reservation.requested.v2']!;
    assert.ok(!isUpcastRoute(v2));
    const start = v2.start(upcastRequestedV1(ReservationRequested.parse(valid)));
    assert.equal(
      start.workflowId,
      'reservation-urn%3Apos%3Ahost-stand/booking-42',
      'scoped by the source that sent it',
    );
  });

  it('upcasts a v1 event to a valid v2 with nothing stated, and refuses a v2 that leaves a stated field out', () => {
    const up = ReservationRequestedV2.parse(upcastRequestedV1(ReservationRequested.parse(valid)));
    assert.equal(up.type, 'reservation.requested.v2');
    assert.deepEqual(
      { text: up.data.text, partySize: up.data.partySize, date: up.data.date, time: up.data.time },
      { text: valid.data.text, partySize: null, date: null, time: null },
    );
    const bad = ReservationRequestedV2.safeParse({
      ...valid,
      type: 'reservation.requested.v2',
      data: { ...valid.data, partySize: 4, time: '7pm' },
    });
    assert.deepEqual(bad.error?.issues.map((i) => i.path.join('.')).sort(), ['data.date', 'data.time']);
  });
});
