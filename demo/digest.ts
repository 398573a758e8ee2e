// The demo's daily digest: fires the declared schedule once by hand (as `baton schedule trigger`
// does) and prints what the owner received. Run again on the same day, it shows that day's
// digest instead of sending a second one.
import { stackEnv, waitFor } from '@baton/testkit';
import type { Client } from '@temporalio/client';
import { DIGEST_SCHEDULE_ID, type DigestFiring, type DigestStatus } from '@baton/workflow-digest';

export async function showDigest(
  temporal: Client,
  report: (title: string, fields: Record<string, string | undefined>) => void,
): Promise<void> {
  const schedule = temporal.schedule.getHandle(DIGEST_SCHEDULE_ID);
  const before = (await schedule.describe()).info.recentActions.length;
  await schedule.trigger();
  const firingId = await waitFor('the schedule to fire', async () => {
    const recent = (await schedule.describe()).info.recentActions;
    return recent.length > before ? recent.at(-1)!.action.workflow.workflowId : undefined;
  });
  const firing = (await temporal.workflow.getHandle(firingId).result()) as DigestFiring;
  const digest = (await temporal.workflow.getHandle(firing.digestWorkflowId).result()) as DigestStatus;
  const env = stackEnv();
  report(`daily digest for ${firing.day} (schedule ${DIGEST_SCHEDULE_ID}, fired by hand)`, {
    outcome: `${digest.state}${firing.outcome === 'already-started' ? ' earlier today: a second firing for the day sends nothing' : ''}; unavailable: ${digest.unavailable.map((u) => u.source).join(', ') || 'none'}`,
    workflow: `${firing.digestWorkflowId}  ${env.BATON_TEMPORAL_UI_URL}/namespaces/${env.BATON_TEMPORAL_NAMESPACE}/workflows/${encodeURIComponent(firing.digestWorkflowId)}`,
    digest: `\n${(digest.text ?? '')
      .split('\n')
      .map((l) => `      ${l}`)
      .join('\n')}`,
    schedule:
      '$ infra/pnpm.sh baton schedule set-time daily-digest 06:30   |   baton schedule pause daily-digest --by mia',
  });
}
