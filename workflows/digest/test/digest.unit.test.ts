// The digest's own tests: its registration declares its schedule with the stated policies, its
// composition removes duplicates and names a source that is down, and its config names a bad field.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '@baton/contracts';
import { Registry } from '@baton/workflow-kit';
import { DIGEST_SCHEDULE_ID, DigestConfig, composeDigest, withoutDuplicates } from '../src/index.js';

describe('digest workflow', () => {
  it('declares its daily schedule: skip on overlap, a 12 hour catch-up window', async () => {
    const registry = await Registry.load();
    const schedule = registry.schedules.find((s) => s.scheduleId === DIGEST_SCHEDULE_ID);
    assert.equal(schedule?.workflowType, 'digest');
    assert.equal(schedule?.workflowName, 'dailyDigestWorkflow');
    assert.equal(schedule?.overlap, 'SKIP');
    assert.equal(schedule?.catchupWindowMs, 12 * 3_600_000);
    assert.deepEqual(schedule?.calendars, [{ hour: 7, minute: 0 }]);
  });

  it('keeps the first line of each key and names what could not be read', () => {
    const rates = withoutDuplicates([
      { key: 'rate:ECB', text: 'ECB: 2.15 %' },
      { key: 'rate:Euribor', text: 'Euribor: 2.04 %' },
      { key: 'rate:ECB', text: 'ECB: 2.15 % (second publisher)' },
    ]);
    assert.deepEqual(
      rates.map((r) => r.text),
      ['ECB: 2.15 %', 'Euribor: 2.04 %'],
    );
    const text = composeDigest(
      '2026-12-01',
      [
        {
          source: 'bookings',
          items: [
            { key: 'b1', text: '19:00 party of 4', value: 4 },
            { key: 'b2', text: '20:00 party of 2', value: 2 },
          ],
        },
        { source: 'rates', items: rates },
      ],
      [{ source: 'weather', reason: 'unavailable' }],
    );
    assert.match(text, /^Daily digest for 2026-12-01\nNot available today: Weather \(weather\)\./);
    assert.match(text, /Bookings: 2 bookings, 6 covers/);
    assert.equal(text.match(/ECB/g)?.length, 1);
  });

  it('refuses a send time that is not a time of day, naming the variable', () => {
    assert.throws(() => loadConfig(DigestConfig, { BATON_DIGEST_AT: '25:00' }), /BATON_DIGEST_AT/);
    assert.deepEqual(loadConfig(DigestConfig, { BATON_DIGEST_AT: '6:45' }).BATON_DIGEST_AT, { hour: 6, minute: 45 });
  });
});
