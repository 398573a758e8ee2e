// Workflow code, bundled beside the workflow under test by the harness (harness.ts): a run that
// keeps one timer at most six hours ahead for as long as a harness lives. Temporal's Java test
// server, while it skips time, jumps straight to the next timer it knows; once a test's run has ended, the next
// one would be that run's own execution timeout, ten years on, and every later run of the file
// would start there (a reservation for next month would be refused as past). With this timer the
// clock moves at most six hours past the end of a run before the test looks again (a shorter
// period costs a workflow task per period of skipped time: weeks of a bill's reminders).
import { continueAsNew, sleep } from '@temporalio/workflow';

export async function batonTestClockAnchor(): Promise<void> {
  // A fresh history now and then: a file's tests may skip weeks.
  for (let quarter = 0; quarter < 1_000; quarter++) await sleep('6 hours');
  await continueAsNew<typeof batonTestClockAnchor>();
}
