// The daily digest. Each firing of the schedule runs `dailyDigestWorkflow`, which starts the
// day's digest as a child workflow whose id is the schedule and the day: a second firing for the
// same day (late, triggered by hand, or caught up) finds it started and sends nothing, and the
// digest's send step is keyed by that id in the ledger, so even a re-run after a failure sends
// once. The digest reads every source side by side; a source that cannot be read within its
// budget is named in the digest, which is still sent. Types only from the contracts.
import {
  defineSearchAttributeKey,
  SearchAttributeType,
  WorkflowExecutionAlreadyStartedError,
} from '@temporalio/common';
import { executeChild, workflowInfo } from '@temporalio/workflow';
import { causeOf, runWorkflow, type StepPolicy } from '@baton/workflow-kit/workflow';
import type { DigestAgents } from './contracts.js';
import {
  SOURCES,
  definition,
  digestWorkflowId,
  type DigestFiring,
  type DigestFiringInput,
  type DigestInput,
  type DigestStatus,
  type State,
} from './definition.js';
import { composeDigest, withoutDuplicates } from './rules.js';

// Set by Temporal on every workflow a schedule starts.
const ScheduledById = defineSearchAttributeKey('TemporalScheduledById', SearchAttributeType.KEYWORD);
const ScheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/** The messaging provider may be down for a while: the digest keeps trying for an hour. */
const SEND_STEP: StepPolicy = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 hour',
  initialInterval: '1 second',
  maximumInterval: '1 minute',
};

/** One source gets `budgetMs` in all (retries included), then the digest goes without it. */
const sourceStep = (budgetMs: number): StepPolicy => ({
  startToCloseTimeout: Math.min(budgetMs, 10_000),
  scheduleToCloseTimeout: budgetMs,
  initialInterval: '500 milliseconds',
  maximumInterval: '5 seconds',
});

export async function dailyDigestWorkflow(input: DigestFiringInput): Promise<DigestFiring> {
  const info = workflowInfo();
  const scheduleId = info.typedSearchAttributes.get(ScheduledById) ?? 'digest';
  // The day is the firing's nominal time (UTC), not when it ran: a late firing is still that day's.
  const day = (info.typedSearchAttributes.get(ScheduledStartTime) ?? new Date()).toISOString().slice(0, 10);
  const digestWorkflowId_ = digestWorkflowId(scheduleId, day);
  try {
    await executeChild(digestWorkflow, {
      workflowId: digestWorkflowId_,
      args: [{ ...input, day }],
      // A day whose digest failed for good may be tried again by a later firing (the ledger still
      // holds a send that happened); a day sent or sending is never started twice.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      parentClosePolicy: 'ABANDON',
    });
    return { day, digestWorkflowId: digestWorkflowId_, outcome: 'sent' };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      return { day, digestWorkflowId: digestWorkflowId_, outcome: 'already-started' };
    throw err;
  }
}

export async function digestWorkflow(input: DigestInput): Promise<DigestStatus> {
  return runWorkflow(
    definition,
    { state: 'Gathering', day: input.day, sections: [], unavailable: [], duplicatesRemoved: 0 },
    input,
    async (run) => {
      const { status } = run;
      run.enter('Gathering');
      const read = await Promise.allSettled(
        SOURCES.map((source) =>
          run.step(
            'digest-source',
            `source-${source}`,
            { source, day: input.day },
            { policy: sourceStep(input.sourceTimeoutMs), handles: 'all' },
          ),
        ),
      );
      read.forEach((result, i) => {
        const source = SOURCES[i]!;
        if (result.status === 'rejected') {
          status.unavailable.push({ source, reason: causeOf(result.reason) });
          return;
        }
        const items = withoutDuplicates(result.value.items);
        status.duplicatesRemoved += result.value.items.length - items.length;
        status.sections.push({ source, items });
      });
      status.text = composeDigest(input.day, status.sections, status.unavailable);
      run.enter('Sending');
      try {
        status.messageId = (
          await run.step(
            'digest-send',
            'send',
            { day: input.day, recipient: input.recipient, text: status.text },
            { policy: SEND_STEP },
          )
        ).messageId;
      } catch (err) {
        return run.fail(err, 'Failed');
      }
      return run.end('Sent');
    },
  );
}
