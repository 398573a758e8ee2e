// The baseline the chaos report compares against: the same agent handlers called one after the
// other with no Baton around them: no retries, no ledger, no breaker, no compensation. The
// first failure ends the request and leaves behind whatever it had already done.
import { offlineCapabilities, type AgentContext } from '@baton/agent';
import type { ReservationRequested } from '@baton/workflow-reservation';
import { createLogger } from '@baton/telemetry';
import { stackEnv } from '@baton/testkit';
import { availabilityAgent } from '../../services/availability/src/availability.js';
import { bookingAgent } from '../../services/booking/src/booking.js';
import { intakeAgent } from '../../services/intake/src/intake.js';
import { notifierAgent } from '../../services/notifier/src/notifier.js';
import { paymentAgent } from '../../services/payment/src/payment.js';
import { safety } from '../../services/safety/src/safety.js';
import { chainContext } from './chain-context.js';

export const NAIVE_STEPS = ['intake', 'hold', 'safety', 'deposit', 'book', 'notify'] as const;
export type NaiveStep = (typeof NAIVE_STEPS)[number];

export interface NaiveOutcome {
  workflowId: string;
  completed: boolean;
  failedAt?: NaiveStep;
  declined: boolean;
}

const logger = createLogger('naive-chain', 'error');

function naiveContext(workflowId: string, stepId: string): AgentContext {
  // No model provider and no tools: the rule-based paths only.
  return chainContext({ workflowId, stepId, logger, tracer: 'naive', capabilities: offlineCapabilities(logger) });
}

export async function runNaiveChain(
  event: ReservationRequested,
  approve: (workflowId: string) => boolean,
): Promise<NaiveOutcome> {
  const env = stackEnv();
  const workflowId = `naive-${event.idempotencykey}`;
  const intake = intakeAgent({
    BATON_POS_URL: env.BATON_POS_URL,
    BATON_POS_TIMEOUT_MS: 5_000,
    BATON_REGULAR_AFTER_BOOKINGS: 1,
  });
  const agents = {
    availability: availabilityAgent({ BATON_POS_URL: env.BATON_POS_URL, BATON_POS_TIMEOUT_MS: 5_000 }),
    payment: paymentAgent({ BATON_PAYMENT_URL: env.BATON_PAYMENT_URL, BATON_PAYMENT_TIMEOUT_MS: 5_000 }),
    booking: bookingAgent({ BATON_POS_URL: env.BATON_POS_URL, BATON_POS_TIMEOUT_MS: 5_000 }),
    notifier: notifierAgent({ BATON_MESSAGING_URL: env.BATON_MESSAGING_URL, BATON_MESSAGING_TIMEOUT_MS: 5_000 }),
  };
  let current: NaiveStep = 'intake';
  try {
    const request = await intake.handle(
      { ...event.data, receivedOn: event.data.receivedOn ?? '2026-11-23' },
      naiveContext(workflowId, 'intake'),
    );
    current = 'hold';
    const hold = await agents.availability.handle({ request }, naiveContext(workflowId, 'hold-table'));
    current = 'safety';
    const assessment = await safety.handle(
      { request, originalText: event.data.text },
      naiveContext(workflowId, 'safety-check'),
    );
    if (assessment.needsReview && !approve(workflowId)) {
      // The decline branch releases the hold once: a plain branch, not a retried compensation.
      current = 'hold';
      await agents.availability.compensate?.({ holdId: hold.holdId }, naiveContext(workflowId, 'release-hold'));
      return { workflowId, completed: false, declined: true };
    }
    current = 'deposit';
    await agents.payment.handle(
      { request, amountCents: request.partySize * 1_000 },
      naiveContext(workflowId, 'deposit'),
    );
    current = 'book';
    const booking = await agents.booking.handle({ request, hold }, naiveContext(workflowId, 'book'));
    current = 'notify';
    await agents.notifier.handle(
      { customer: event.data.customer, request, kind: 'confirmed', reservationId: booking.reservationId },
      naiveContext(workflowId, 'notify-confirmed'),
    );
    return { workflowId, completed: true, declined: false };
  } catch {
    return { workflowId, completed: false, failedAt: current, declined: false };
  }
}
