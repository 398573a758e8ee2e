import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from '@baton/workflow-kit';
import { validateEvent } from '../src/gateway.js';

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
  it('derives the workflow id from the idempotency key', () => {
    const result = validateEvent(registry, event);
    assert.equal(result.ok && result.workflowId, 'reservation-k1');
  });

  it('names an unknown event type', () => {
    const result = validateEvent(registry, { ...event, type: 'reservation.cancelled.v9' });
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.reason : '', /unknown event type "reservation.cancelled.v9"/);
  });

  it('reports every problem of a known type in one reason', () => {
    const result = validateEvent(registry, { ...event, time: 'yesterday', data: { text: '', customer: {} } });
    const reason = !result.ok ? result.reason : '';
    for (const field of ['time', 'data.text', 'data.customer.id', 'data.customer.name']) assert.match(reason, new RegExp(`${field.replace('.', '\\.')}:`));
  });

  it('explains a payload that is not an envelope at all', () => {
    const result = validateEvent(registry, 42);
    assert.match(!result.ok ? result.reason : '', /invalid envelope/);
  });
});
