// The webhook's storage guard as pure logic: which NATS failures become a 503 with which reason
// and Retry-After, how much room a claim needs, and the storage limits read from configuration.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StorageLimitsConfig, hasRoomFor, loadConfig, usedRatio } from '@baton/contracts';
import { RETRY_AFTER_FULL_S, RETRY_AFTER_UNREACHABLE_S, claimNeed, storageFailure } from '../src/storage-guard.js';

const named = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('webhook storage guard', () => {
  it('answers a full stream or bucket as STORAGE_FULL, an unreachable NATS as STORAGE_UNREACHABLE, anything else not at all', () => {
    const full = storageFailure(new Error('maximum bytes exceeded'));
    assert.equal(full?.code, 'STORAGE_FULL');
    assert.equal(full?.retryAfterS, RETRY_AFTER_FULL_S);
    assert.match(full!.message, /nothing was recorded/);
    assert.equal(storageFailure(new Error('maximum messages exceeded'))?.code, 'STORAGE_FULL');
    assert.equal(storageFailure(named('TimeoutError', 'timeout'))?.code, 'STORAGE_UNREACHABLE');
    assert.equal(storageFailure(named('TimeoutError', 'timeout'))?.retryAfterS, RETRY_AFTER_UNREACHABLE_S);
    assert.equal(storageFailure(named('ClosedConnectionError', 'closed connection'))?.code, 'STORAGE_UNREACHABLE');
    assert.equal(
      storageFailure(named('NoRespondersError', 'no responders: $JS.API.STREAM.INFO.BATON_EVENTS'))?.code,
      'STORAGE_UNREACHABLE',
    );
    assert.equal(storageFailure(new TypeError("Cannot read properties of undefined (reading 'type')")), undefined);
    assert.equal(storageFailure('a string'), undefined);
  });

  it('counts a claim as two entries (create and started mark), and the events still waiting for theirs', () => {
    assert.deepEqual(claimNeed({ bytes: 0, msgs: 0, maxBytes: 1000, maxMsgs: -1 }, 0), { bytes: 1024, msgs: 2 });
    assert.deepEqual(claimNeed({ bytes: 3000, msgs: 10, maxBytes: 10_000, maxMsgs: -1 }, 2), { bytes: 1800, msgs: 6 });
    const usage = { bytes: 9_000, msgs: 30, maxBytes: 10_000, maxMsgs: -1 };
    assert.equal(hasRoomFor(usage, claimNeed(usage, 0)), true);
    assert.equal(hasRoomFor(usage, claimNeed(usage, 2)), false, 'two events already stored will take the room first');
    assert.equal(hasRoomFor({ bytes: 10, msgs: 99, maxBytes: -1, maxMsgs: 100 }, { bytes: 1, msgs: 2 }), false);
    assert.equal(
      hasRoomFor({ bytes: 10 ** 12, msgs: 10 ** 9, maxBytes: -1, maxMsgs: -1 }, { bytes: 1, msgs: 1 }),
      true,
      'no limit: always room',
    );
  });

  it('reports the fuller of bytes and messages', () => {
    assert.equal(usedRatio({ bytes: 80, msgs: 1, maxBytes: 100, maxMsgs: 100 }), 0.8);
    assert.equal(usedRatio({ bytes: 1, msgs: 90, maxBytes: 100, maxMsgs: 100 }), 0.9);
    assert.equal(usedRatio({ bytes: 5, msgs: 5, maxBytes: -1, maxMsgs: -1 }), 0);
  });

  it("reads every store's limits from BATON_<STORE>_MAX_BYTES / _MAX_MSGS / _MAX_AGE_MS, with defaults", () => {
    const limits = loadConfig(StorageLimitsConfig, {
      BATON_EVENT_CLAIMS_MAX_BYTES: '4096',
      BATON_EVENTS_MAX_MSGS: '10',
      BATON_DLQ_MAX_AGE_MS: '60000',
    });
    assert.equal(limits.eventClaims.maxBytes, 4096);
    assert.equal(limits.events.maxMsgs, 10);
    assert.equal(limits.events.maxAgeMs, 7 * 24 * 3600_000);
    assert.equal(limits.deadLetters.maxAgeMs, 60_000);
    assert.equal(limits.audit.maxMsgs, -1);
    assert.throws(() => loadConfig(StorageLimitsConfig, { BATON_TASKS_MAX_BYTES: 'lots' }), /BATON_TASKS_MAX_BYTES/);
    assert.throws(() => loadConfig(StorageLimitsConfig, { BATON_TASKS_MAX_BYTES: '-5' }), /BATON_TASKS_MAX_BYTES/);
  });
});
