// Timeouts and retry policies of the reservation's steps, declared once with their reasons.
import type { StepPolicy } from '@baton/workflow-kit/workflow';

/** Agents answer in well under a second. One attempt gets 30 s: a crashed agent's task is
 *  redelivered after its ack wait (10 s) within the same attempt. A step keeps retrying with
 *  backoff for 5 minutes, long enough to ride out a broker or agent restart. */
export const AGENT_STEP: StepPolicy = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '5 minutes',
  initialInterval: '500 milliseconds',
  maximumInterval: '10 seconds',
};

/** A deposit that cannot be taken within 2 minutes falls back (waived for regulars) rather
 *  than keeping a table in limbo while the payment provider is down. */
export const DEPOSIT_STEP: StepPolicy = { ...AGENT_STEP, scheduleToCloseTimeout: '2 minutes' };

/** Compensations must finish: they retry for an hour, backing off to 1 minute, before a person
 *  is asked to finish them by hand. */
export const COMPENSATION_STEP: StepPolicy = {
  ...AGENT_STEP,
  scheduleToCloseTimeout: '1 hour',
  maximumInterval: '1 minute',
};

/** Deposit per guest, in cents. */
export const DEPOSIT_PER_GUEST_CENTS = 1_000;
