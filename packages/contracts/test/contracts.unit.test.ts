import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentRuntimeConfig, AnyEventEnvelope, ConfigError, loadConfig } from '../src/index.js';

const valid = {
  id: 'evt-1',
  source: 'urn:pos:host-stand',
  specversion: '1.0',
  type: 'reservation.requested.v1',
  time: '2026-11-23T18:00:00Z',
  idempotencykey: 'booking-42',
  data: { text: 'Table for 4, Friday 7pm', customer: { id: 'c-1', name: 'Ada' } },
};

describe('event contracts', () => {
  it('accepts a well-formed envelope and fills datacontenttype', () => {
    const parsed = AnyEventEnvelope.parse(valid);
    assert.equal(parsed.datacontenttype, 'application/json');
  });

  it('refuses an idempotency key that could not be part of a workflow id', () => {
    const result = AnyEventEnvelope.safeParse({ ...valid, idempotencykey: 'has spaces/and slashes' });
    assert.equal(result.success, false);
    assert.deepEqual(
      result.error?.issues.map((i) => i.path.join('.')),
      ['idempotencykey'],
    );
  });
});

describe('service config', () => {
  it('applies loopback defaults when nothing is set', () => {
    const config = loadConfig(AgentRuntimeConfig, {});
    assert.equal(config.BATON_NATS_URL, 'nats://127.0.0.1:4322');
    assert.equal(config.BATON_AGENT_ACK_WAIT_MS, 10_000);
  });

  it('names the offending variable and its value when a setting is invalid', () => {
    assert.throws(
      () => loadConfig(AgentRuntimeConfig, { BATON_NATS_URL: 'localhost:4222', BATON_AGENT_CONCURRENCY: '0' }),
      (err: unknown) =>
        err instanceof ConfigError &&
        /BATON_NATS_URL="localhost:4222"/.test(err.message) &&
        /BATON_AGENT_CONCURRENCY="0"/.test(err.message),
    );
  });
});
