// Timeouts and retry policies of the contract review's steps, declared once with their reasons.
import type { GateTier, StepPolicy } from '@baton/workflow-kit/workflow';

/** Agents answer in well under a second offline, a model in tens of seconds. One attempt gets
 *  60 s (a model call is bounded by BATON_MODEL_TIMEOUT_MS, 30 s, and the chain falls back); a
 *  crashed agent's task is redelivered after its ack wait within the same attempt. A step keeps
 *  retrying with backoff for 10 minutes, long enough to ride out a broker or agent restart. */
export const CONTRACT_STEP: StepPolicy = {
  startToCloseTimeout: '60 seconds',
  scheduleToCloseTimeout: '10 minutes',
  initialInterval: '500 milliseconds',
  maximumInterval: '10 seconds',
};

/** Legal (a manager role in the console) has a working day to approve a high-risk contract. */
export const CONTRACT_APPROVAL_TIERS: GateTier[] = [{ role: 'manager', timeoutMs: 8 * 3600_000 }];
