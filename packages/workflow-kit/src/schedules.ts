// Schedules declared in registrations (`schedules` in defineWorkflow), made real in Temporal: the
// orchestrator ensures each at start (created when missing; one that exists is left exactly as
// the owner set it, so a time changed or a pause from the CLI survives a restart), and the
// owner's commands change its time or pause it.
import { ScheduleAlreadyRunning, type Client, type ScheduleDescription } from '@temporalio/client';
import { taskQueues } from '@baton/contracts';
import type { ScheduleDeclaration } from './registry.js';
import { TemporalChangeVersion } from './definitions.js';
import { startedWithPatches } from './workflows/patches.js';

/** Creates the schedule unless it exists; 'created' or 'exists'. */
export async function ensureSchedule(client: Client, declaration: ScheduleDeclaration): Promise<'created' | 'exists'> {
  try {
    await client.schedule.create({
      scheduleId: declaration.scheduleId,
      spec: {
        calendars: declaration.calendars.map((c) => ({ hour: c.hour, minute: c.minute })),
        ...(declaration.timezone ? { timezone: declaration.timezone } : {}),
      },
      action: {
        type: 'startWorkflow',
        workflowType: declaration.workflowName,
        args: declaration.args,
        taskQueue: taskQueues.orchestrator,
        workflowId: declaration.scheduleId,
        // Each firing starts with the kit's settled patches (workflows/patches.ts): no marker for them.
        typedSearchAttributes: [{ key: TemporalChangeVersion, value: startedWithPatches() }],
      },
      policies: { overlap: declaration.overlap, catchupWindow: declaration.catchupWindowMs },
      ...(declaration.note ? { state: { note: declaration.note } } : {}),
    });
    return 'created';
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return 'exists';
    throw err;
  }
}

/** "07:30" -> { hour: 7, minute: 30 }; throws on anything else. */
export function parseTimeOfDay(text: string): { hour: number; minute: number } {
  const match = /^([01]?[0-9]|2[0-3]):([0-5][0-9])$/.exec(text.trim());
  if (!match) throw new RangeError(`"${text}" is not a time of day such as 07:30`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

/** Moves a schedule to one time of day (keeping its timezone, or setting a new one). */
export async function setScheduleTime(
  client: Client,
  scheduleId: string,
  at: { hour: number; minute: number },
  timezone?: string,
): Promise<ScheduleDescription> {
  const handle = client.schedule.getHandle(scheduleId);
  await handle.update((previous) => ({
    ...previous,
    spec: {
      calendars: [{ hour: at.hour, minute: at.minute }],
      ...((timezone ?? previous.spec.timezone) ? { timezone: timezone ?? previous.spec.timezone } : {}),
    },
  }));
  return handle.describe();
}

/** One line per schedule for people: its times, whether it is paused, its policies, its next firings. */
export function describeSchedule(d: ScheduleDescription): Record<string, unknown> {
  return {
    scheduleId: d.scheduleId,
    times: (d.spec.calendars ?? []).map(
      (c) =>
        `${c.hour.map((r) => String(r.start).padStart(2, '0')).join(',')}:${c.minute.map((r) => String(r.start).padStart(2, '0')).join(',')}`,
    ),
    timezone: d.spec.timezone ?? 'UTC',
    paused: d.state.paused,
    note: d.state.note,
    overlap: d.policies.overlap,
    catchupWindowMs: d.policies.catchupWindow,
    nextActionTimes: d.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
    recentActions: d.info.recentActions
      .slice(-3)
      .map((a) => ({ scheduledAt: a.scheduledAt.toISOString(), workflowId: a.action.workflow.workflowId })),
  };
}
