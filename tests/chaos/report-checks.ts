// The chaos report's checks, run on made-up records before the real run: each one must flag the
// failure it names (a repeated effect, a Confirmed without its booking or message, a Compensated
// with a charge standing, a hold reported released that the POS booked) and pass a clean run. A
// check that cannot fail here would prove nothing there.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AGENT_STEP, DEPOSIT_STEP, type ReservationStatus } from '@baton/workflow-reservation';
import { guaranteedAttempts } from './policy.js';
import { countByKind, duplicates, lostEffects, outcomeFloor, type Records } from './report.js';

const wf = 'reservation-req-1';
const key = (step: string, effect: string) => `${wf}/${step}/${effect}`;

/** One Confirmed request, as the systems record it when all went well. */
function cleanRecords(): Records {
  return {
    holds: [
      {
        holdId: 'h1',
        status: 'booked',
        idempotencyKey: key('hold-table', 'hold-table'),
        reference: key('hold-table', 'hold-table'),
      },
    ],
    charges: [
      {
        chargeId: 'c1',
        refunded: false,
        idempotencyKey: key('deposit', 'charge'),
        reference: key('deposit', 'charge'),
      },
    ],
    refunds: [],
    reservations: [
      { reservationId: 'r1', holdId: 'h1', idempotencyKey: key('book', 'reserve'), reference: key('book', 'reserve') },
    ],
    messages: [
      {
        messageId: 'm1',
        template: 'reservation-confirmed',
        idempotencyKey: key('notify-confirmed', 'send'),
        reference: key('notify-confirmed', 'send'),
      },
    ],
  };
}

function status(state: string, extra: Partial<ReservationStatus> = {}): Map<string, ReservationStatus> {
  const base = {
    state,
    hold: { holdId: 'h1', tableId: 'T1', seats: 2 },
    deposit: { chargeId: 'c1', amountCents: 2_000 },
    booking: { reservationId: 'r1', tableId: 'T1' },
    holdReleased: false,
    compensated: [],
  };
  return new Map([[wf, { ...base, ...extra } as unknown as ReservationStatus]]);
}

export function reportChecks(): void {
  describe('chaos report: each check flags what it names', () => {
    it('passes a clean Confirmed request', () => {
      assert.deepEqual(duplicates(cleanRecords()), []);
      assert.deepEqual(lostEffects(cleanRecords(), status('Confirmed')), []);
    });

    it('counts an effect applied twice: two records with one reference', () => {
      const r = cleanRecords();
      r.charges.push({ ...r.charges[0]!, chargeId: 'c2' });
      r.messages.push({ ...r.messages[0]!, messageId: 'm2' });
      assert.deepEqual(countByKind(duplicates(r)), { charge: 1, hold: 0, booking: 0, message: 1, refund: 0 });
    });

    it('counts a request charged twice under two step ids', () => {
      const r = cleanRecords();
      r.charges.push({
        chargeId: 'c2',
        refunded: false,
        idempotencyKey: key('deposit-2', 'charge'),
        reference: key('deposit-2', 'charge'),
      });
      assert.deepEqual(duplicates(r), [{ kind: 'charge', key: wf, request: wf, count: 2 }]);
    });

    it('flags a Confirmed without its POS reservation or its confirmation message', () => {
      const r = cleanRecords();
      r.reservations = [];
      r.messages = [];
      assert.deepEqual(
        lostEffects(r, status('Confirmed')).map((l) => l.problem),
        ['Confirmed without its POS reservation', 'Confirmed without its confirmation message'],
      );
    });

    it('flags a Confirmed whose deposit was refunded, and a waiver while a charge stands', () => {
      const refunded = cleanRecords();
      refunded.charges[0]!.refunded = true;
      assert.deepEqual(
        lostEffects(refunded, status('Confirmed')).map((l) => l.problem),
        ['Confirmed, but its deposit charge c1 was refunded'],
      );
      assert.deepEqual(
        lostEffects(
          cleanRecords(),
          status('Confirmed', { deposit: { waived: true, reason: 'payment failed for a regular' } }),
        ).map((l) => l.problem),
        ['deposit reported waived while 1 charge(s) stand'],
      );
    });

    it('flags a Compensated whose charge is not refunded and whose booking stands', () => {
      const r = cleanRecords();
      r.messages = [
        {
          messageId: 'm1',
          template: 'reservation-cancelled',
          idempotencyKey: key('notify-cancelled', 'send'),
          reference: key('notify-cancelled', 'send'),
        },
      ];
      assert.deepEqual(
        lostEffects(r, status('Compensated')).map((l) => l.problem),
        ['Compensated, but 1 charge(s) not refunded', 'Compensated, but a POS booking stands'],
      );
    });

    it('flags a hold reported released that the POS says is booked', () => {
      const r = cleanRecords();
      r.reservations = [];
      r.charges[0]!.refunded = true;
      r.messages = [
        {
          messageId: 'm1',
          template: 'reservation-cancelled',
          idempotencyKey: key('notify-cancelled', 'send'),
          reference: key('notify-cancelled', 'send'),
        },
      ];
      assert.deepEqual(
        lostEffects(r, status('Compensated', { holdReleased: true })).map((l) => l.problem),
        ['reported its hold released, but the POS says hold h1 is booked'],
      );
    });

    it('derives the floor from the fault rate and the retry policies, and a chain without retries fails it', () => {
      assert.equal(guaranteedAttempts(DEPOSIT_STEP), 3);
      assert.ok(guaranteedAttempts(AGENT_STEP) >= 3);
      assert.equal(outcomeFloor(24, 0.03, 4, 3).atLeast, 23);
      assert.equal(outcomeFloor(1000, 0.03, 4, 3).atLeast, 998);
      // One attempt per step (no retries): the expected shortfall alone, 11.5%, is far below it.
      const naive = Math.round(1000 * (1 - 0.97 ** 4));
      assert.ok(1000 - naive < outcomeFloor(1000, 0.03, 4, 3).atLeast);
      assert.ok(
        outcomeFloor(1000, 0.03, 4, 1).atLeast < 1000 - naive,
        'the same formula with one attempt allows the naive shortfall',
      );
    });
  });
}
