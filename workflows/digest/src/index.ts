// The daily digest registers itself: no event starts it; its schedule does (declared here, ensured
// by the orchestrator at start), and its agents' contracts.
//
// Schedule policies. Overlap SKIP: a firing that comes while the last one still runs is skipped
// (that day's digest is under way; the per-day workflow id would refuse it anyway). Catch-up
// window 12 hours: a firing missed while the Temporal server was down still runs when it is back
// within 12 hours of its time (late, for its own day, and still once); later than that it is
// dropped, and the next day's digest comes at its time.
import { z } from 'zod';
import { configFields, loadConfig } from '@baton/contracts';
import { defineWorkflow, parseTimeOfDay, sourceModule } from '@baton/workflow-kit';
import { digestAgents, type DigestAgents } from './contracts.js';
import {
  definition,
  firingWorkflowName,
  workflowName,
  type DigestFiringInput,
  type DigestStatus,
} from './definition.js';

export const DIGEST_SCHEDULE_ID = 'daily-digest';
export const DIGEST_OVERLAP = 'SKIP' as const;
export const DIGEST_CATCHUP_WINDOW_MS = 12 * 3_600_000;

/** Read where the schedule is created (the orchestrator). They apply when the schedule is
 *  created; afterwards the owner changes time or pause with `baton schedule`. */
export const DigestConfig = z.object({
  /** Who receives the digest (the messaging provider's recipient id). */
  BATON_DIGEST_RECIPIENT: z.string().min(1).max(100).default('owner'),
  /** When it is sent, HH:MM. */
  BATON_DIGEST_AT: z
    .string()
    .default('07:00')
    .transform((s, ctx) => {
      try {
        return parseTimeOfDay(s);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  /** The time zone of BATON_DIGEST_AT (IANA name). */
  BATON_DIGEST_TIMEZONE: z.string().min(1).default('UTC'),
  /** How long one source may take, retries included, before the digest goes without it. */
  BATON_DIGEST_SOURCE_TIMEOUT_MS: configFields.durationMs.default(120_000),
});
const config = loadConfig(DigestConfig);

export const digestFiringInput: DigestFiringInput = {
  recipient: config.BATON_DIGEST_RECIPIENT,
  sourceTimeoutMs: config.BATON_DIGEST_SOURCE_TIMEOUT_MS,
};

export default defineWorkflow<DigestStatus, DigestAgents>({
  definition,
  workflowName,
  workflowModule: sourceModule(import.meta.url, './workflow.ts'),
  events: {},
  agents: digestAgents,
  schedules: [
    {
      scheduleId: DIGEST_SCHEDULE_ID,
      workflowName: firingWorkflowName,
      args: [digestFiringInput],
      calendars: [config.BATON_DIGEST_AT],
      timezone: config.BATON_DIGEST_TIMEZONE,
      overlap: DIGEST_OVERLAP,
      catchupWindowMs: DIGEST_CATCHUP_WINDOW_MS,
      note: 'the daily digest: bookings and covers, weather, interest rates',
    },
  ],
  view: {
    summary: (s) => `digest for ${s.day}`,
    context: (s) => [
      { label: 'day', value: s.day },
      { label: 'not available', id: 'unavailable', value: s.unavailable.map((u) => u.source).join(', ') || 'none' },
    ],
  },
});

export * from './contracts.js';
export * from './definition.js';
export { composeDigest, withoutDuplicates } from './rules.js';
