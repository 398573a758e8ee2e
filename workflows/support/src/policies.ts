// Timeouts and retry policies of the support escalation's steps, declared once with their reasons.
import type { GateTier, StepPolicy } from '@baton/workflow-kit/workflow';

/** Agents answer in well under a second; a step rides out an agent or broker restart for 5 minutes. */
export const SUPPORT_STEP: StepPolicy = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '5 minutes',
  initialInterval: '500 milliseconds',
  maximumInterval: '10 seconds',
};

/** The CRM lookup retries fast and often: each failed attempt counts in the CRM breaker, which
 *  opens after more than 3 failures in 10 calls, and then the agent answers from the cache. Ten
 *  quick attempts reach that point in seconds instead of minutes of a customer waiting. */
export const CRM_STEP: StepPolicy = {
  startToCloseTimeout: '15 seconds',
  scheduleToCloseTimeout: '1 minute',
  initialInterval: '200 milliseconds',
  maximumInterval: '1 second',
};

/** The resolution waits out another escalation's lease on the ticket (LEASE_HELD is retryable). */
export const RESOLVE_STEP: StepPolicy = {
  ...SUPPORT_STEP,
  initialInterval: '300 milliseconds',
  maximumInterval: '2 seconds',
};

/** Undoing a resolution must finish: an hour of retries before a person is asked. */
export const COMPENSATION_STEP: StepPolicy = {
  ...SUPPORT_STEP,
  scheduleToCloseTimeout: '1 hour',
  maximumInterval: '1 minute',
};

/** A refund above this (in cents) is a person's decision. */
export const DEFAULT_REFUND_LIMIT_CENTS = 20_000;

/** A case waits for a manager for a working day; then the customer hears a person will follow up. */
export const DEFAULT_EXCEPTION_TIERS: GateTier[] = [{ role: 'manager', timeoutMs: 8 * 3600_000 }];
