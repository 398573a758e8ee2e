// The reservation's booking rules come from configuration where events start reservations; an
// invalid value stops the gateway at start with the variable's name, before it takes any event.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEFAULT_BOOKING_POLICY, refusalOf } from '../src/index.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

describe('reservation booking rules', () => {
  it('refuses a past date, a date past the horizon and a party too large, and passes the rest', () => {
    const policy = DEFAULT_BOOKING_POLICY;
    assert.match(refusalOf({ date: '2019-01-01', partySize: 2 }, '2026-11-23', policy) ?? '', /has passed/);
    assert.match(
      refusalOf({ date: '2027-03-01', partySize: 2 }, '2026-11-23', policy) ?? '',
      /up to 90 days ahead \(until 2027-02-21\)/,
    );
    assert.match(refusalOf({ date: '2026-11-28', partySize: 21 }, '2026-11-23', policy) ?? '', /at most 20 guests/);
    assert.equal(
      refusalOf({ date: '2026-11-23', partySize: 20 }, '2026-11-23', policy),
      undefined,
      'today, at the largest party',
    );
    assert.equal(
      refusalOf({ date: '2027-02-21', partySize: 1 }, '2026-11-23', policy),
      undefined,
      'the last day of the horizon',
    );
  });

  it('stops the gateway at start with the variable named when a rule is misconfigured', () => {
    const run = spawnSync('node', ['--conditions=baton-source', '--import', 'tsx', 'services/gateway/src/main.ts'], {
      cwd: repoRoot,
      // A payload key of its own: the gateway reads its keys before its rules, and this test runs
      // without the local stack (whose state folder holds the keys).
      env: {
        ...process.env,
        BATON_PAYLOAD_KEYS: JSON.stringify([{ id: 'unit', key: randomBytes(32).toString('base64') }]),
        BATON_RESERVATION_HORIZON_DAYS: 'soon',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(run.status, 78, run.stderr);
    assert.match(run.stderr, /BATON_RESERVATION_HORIZON_DAYS="soon"/);
  });
});
