// Corrections that teach, end to end on the real stack: a person corrects intake's reading at
// the attention gate ("the usual" is a party of six at 19:30 for this customer); the correction is
// kept (JetStream KV), audited, and retrieved (full-text index) for the same customer's next
// request, which is then read right without a person; another customer's "the usual" still needs
// a person; revoked from the command line, it needs a person again.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { readStream } from '@baton/bus';
import { streams, type AuditRecord } from '@baton/contracts';
import { CorrectionStore, type Correction } from '@baton/corrections';
import { decide } from '@baton/console';
import { nextWeekday, postEvent, repoRoot, reservationEvent, stackEnv, waitFor } from '@baton/testkit';
import type { AttentionPayload } from '@baton/workflow-kit';
import { startStack, waitForState, type Stack } from './support.js';

describe('corrections that teach', () => {
  let stack: Stack;
  let store: CorrectionStore;
  before(async () => {
    stack = await startStack({ readyTimeoutMs: 120_000 });
    store = await CorrectionStore.open(stack.bus);
  });
  after(async () => {
    await stack?.close();
  });

  const customer = { id: `cust-usual-${randomUUID().slice(0, 8)}`, name: 'Grace Hopper' };
  const request = async (text: string, who = customer) => {
    const event = reservationEvent(text);
    return String((await postEvent({ ...event, data: { ...event.data, customer: who } })).body.workflowId);
  };
  const audited = (kind: string, subject: string) =>
    waitFor(`a ${kind} audit record for ${subject}`, async () =>
      (await readStream<AuditRecord>(stack.bus, streams.audit))
        .map((r) => r.value)
        .find((r) => r.kind === kind && r.subject === subject),
    );

  it('reads the same customer\'s next "the usual" right without a person once corrected, and needs a person again once revoked', async () => {
    // 1. Intake cannot read "the usual": a person gives the reading at the attention gate.
    const first = await request('The usual on Friday, please');
    const waiting = await waitForState(stack, first, 'Needs attention');
    const read = (waiting.gate?.payload as unknown as AttentionPayload).step.details as {
      date?: string;
      customer: Record<string, unknown>;
      allergies?: string[];
      notes: string;
      missing: string[];
    };
    assert.deepEqual(read.missing.sort(), ['party size', 'time']);
    assert.equal(read.date, nextWeekday('friday'), 'intake read the day itself');
    await decide(stack.temporal, first, {
      decision: 'supply-output',
      decidedBy: 'manager-mia',
      role: 'manager',
      reason: 'her usual is six at half past seven',
      changes: {
        output: {
          partySize: 6,
          date: read.date,
          time: '19:30',
          customer: read.customer,
          allergies: read.allergies ?? [],
          notes: read.notes,
        },
      },
    });
    const booked = await waitForState(stack, first, 'Confirmed');
    assert.deepEqual(booked.corrections, [{ agent: 'intake', scope: 'customer', gateId: booked.gate?.gateId }]);

    // 2. Kept, with who, when, the input, the wrong reading and the right one, and audited.
    const correction = await waitFor('the correction to be kept', async () =>
      (await store.list()).find((c) => c.subject === customer.id),
    );
    assert.equal(correction.by, 'manager-mia');
    assert.equal(correction.scope, 'customer');
    assert.equal(correction.input, 'The usual on Friday, please');
    assert.equal(correction.wrong.partySize, undefined);
    assert.deepEqual([correction.right.partySize, correction.right.time], [6, '19:30']);
    await audited('correction.recorded', correction.id);

    // 3. The same customer, another day: read right, no person.
    const second = await request('The usual on Saturday');
    const done = await waitForState(stack, second, 'Confirmed');
    assert.deepEqual(
      [done.request?.partySize, done.request?.time, done.request?.date],
      [6, '19:30', nextWeekday('saturday')],
    );
    assert.deepEqual(
      done.steps.filter((s) => s.agent === 'intake').map((s) => s.status),
      ['ok'],
    );
    assert.equal(done.gate, undefined, 'no gate opened');

    // 4. Another customer's "the usual" is not this customer's.
    const stranger = await request('The usual on Saturday', {
      id: `cust-${randomUUID().slice(0, 8)}`,
      name: 'Ada Lovelace',
    });
    await waitForState(stack, stranger, 'Needs attention');
    await decide(stack.temporal, stranger, {
      decision: 'abandon',
      decidedBy: 'manager-mia',
      role: 'manager',
      reason: 'call the guest',
    });

    // 5. Revoked from the command line: audited, and a person reads "the usual" again.
    const out = execFileSync(
      'node',
      [
        '--conditions=baton-source',
        '--import',
        'tsx',
        'services/console/src/cli.ts',
        'corrections',
        'revoke',
        correction.id,
        '--by',
        'mia',
        '--reason',
        'she changed her habits',
      ],
      {
        cwd: repoRoot,
        env: { ...process.env, BATON_NATS_URL: stackEnv().BATON_NATS_URL },
        encoding: 'utf8',
      },
    );
    assert.equal((JSON.parse(out) as Correction).revoked?.by, 'mia');
    await audited('correction.revoked', correction.id);
    const third = await request('The usual on Sunday');
    const again = await waitForState(stack, third, 'Needs attention');
    assert.equal((again.gate?.payload as unknown as AttentionPayload).step.agent, 'intake');
    await decide(stack.temporal, third, {
      decision: 'abandon',
      decidedBy: 'manager-mia',
      role: 'manager',
      reason: 'call the guest',
    });
  });
});
