// The schedules every registration declares, ensured once at start (see the kit's schedules.ts):
// a missing one is created with its declared time and policies; one that exists is left as the
// owner set it. One that cannot be ensured stops the start, like any other broken dependency.
import type { Client } from '@temporalio/client';
import type { Logger } from '@baton/telemetry';
import { ensureSchedule, type Registry } from '@baton/workflow-kit/internal';

export async function ensureSchedules(client: Client, registry: Registry, logger: Logger): Promise<void> {
  for (const schedule of registry.schedules) {
    const outcome = await ensureSchedule(client, schedule);
    logger.info(
      {
        scheduleId: schedule.scheduleId,
        workflowType: schedule.workflowType,
        outcome,
        overlap: schedule.overlap,
        catchupWindowMs: schedule.catchupWindowMs,
      },
      'schedule ensured',
    );
  }
}
