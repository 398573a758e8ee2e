// Recorded histories, the replay suite's fixtures: one closed (or waiting) run per workflow type
// and path, kept in the repository under `workflows/<name>/histories/` and replayed against the
// current code in `npm test` (services/orchestrator/test/replay.unit.test.ts). A path is what a
// run did, read from its own history: the Baton states it entered (the BatonState search
// attribute every `run.enter` upserts), the patch markers it recorded and how it closed. Two runs
// with the same path are the same fixture, so re-recording replaces a file instead of adding one,
// and a run that took a new patch's branch is a new file beside the old ones.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils.js';
import type { ReplayTarget } from './registry.js';

export const HistoryFixture = z.object({
  workflowType: z.string().min(1),
  workflowName: z.string().min(1),
  workflowId: z.string().min(1),
  /** The states entered, in order; the last one `(open)` for a run still waiting when recorded. */
  path: z.array(z.string()),
  /** Patch markers the run recorded (`reservation.some-change`). */
  patches: z.array(z.string()),
  /** completed, failed, running, ... */
  closed: z.string(),
  recordedAt: z.iso.datetime({ offset: true }),
  /** The history as `temporal workflow show --output json` prints it. */
  history: z.object({ events: z.array(z.unknown()).min(1) }).loose(),
});
export type HistoryFixture = z.infer<typeof HistoryFixture>;

export interface LoadedFixture extends HistoryFixture {
  /** Path of the fixture file. */
  file: string;
  parsed: History;
}

type HistoryEvent = NonNullable<History['events']>[number];
interface PayloadLike {
  data?: Uint8Array | null;
}

function decodePayload(payload: PayloadLike | null | undefined): unknown {
  if (!payload?.data) return undefined;
  try {
    return JSON.parse(Buffer.from(payload.data).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** What a run did, from its history alone: the Baton states its code entered (not the
 *  `Received` the gateway starts it with), the patch markers, how it ended. */
export function pathOf(history: History): { path: string[]; patches: string[]; closed: string } {
  const path: string[] = [];
  const patches: string[] = [];
  let closed = 'running';
  const enter = (fields: Record<string, PayloadLike> | null | undefined) => {
    const state = decodePayload(fields?.BatonState);
    const value = Array.isArray(state) ? state[0] : state;
    if (typeof value === 'string' && path[path.length - 1] !== value) path.push(value);
  };
  for (const event of (history.events ?? []) as HistoryEvent[]) {
    if (event.upsertWorkflowSearchAttributesEventAttributes)
      enter(
        event.upsertWorkflowSearchAttributesEventAttributes.searchAttributes?.indexedFields as Record<
          string,
          PayloadLike
        >,
      );
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName === 'core_patch') {
      const data = decodePayload(
        (marker.details as Record<string, { payloads?: PayloadLike[] }> | null)?.['patch-data']?.payloads?.[0],
      ) as { id?: string } | undefined;
      if (data?.id && !patches.includes(data.id)) patches.push(data.id);
    }
    if (event.workflowExecutionCompletedEventAttributes) closed = 'completed';
    if (event.workflowExecutionFailedEventAttributes) closed = 'failed';
    if (event.workflowExecutionTimedOutEventAttributes) closed = 'timed-out';
    if (event.workflowExecutionContinuedAsNewEventAttributes) closed = 'continued-as-new';
  }
  return { path, patches, closed };
}

/** A stable, readable file name per path: `confirmed-after-approval-3f2a9c.json`. */
export function fixtureName(path: readonly string[], patches: readonly string[], closed: string): string {
  const slug = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
  const last =
    closed === 'running' ? `waiting-${path[path.length - 1] ?? 'started'}` : (path[path.length - 1] ?? closed);
  const via = [
    path.slice(0, -1).includes('Awaiting approval') ? 'after-approval' : '',
    path.slice(0, -1).includes('Needs attention') ? 'after-attention' : '',
  ].filter(Boolean);
  const digest = createHash('sha256').update(JSON.stringify({ path, patches, closed })).digest('hex').slice(0, 6);
  return `${[slug(last) || 'run', ...via].join('-')}-${digest}.json`;
}

/** Every fixture of every target, checked; a malformed file fails with its name. */
export function loadHistoryFixtures(targets: readonly ReplayTarget[]): LoadedFixture[] {
  const fixtures: LoadedFixture[] = [];
  for (const target of targets) {
    if (!existsSync(target.historiesDir)) continue;
    for (const name of readdirSync(target.historiesDir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const file = join(target.historiesDir, name);
      const checked = HistoryFixture.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (!checked.success)
        throw new Error(
          `${file} is not a recorded history: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
      if (checked.data.workflowName !== target.workflowName)
        throw new Error(
          `${file} records ${checked.data.workflowName}, but lies in the histories of ${target.workflowName}`,
        );
      fixtures.push({ ...checked.data, file, parsed: historyFromJSON(checked.data.history) });
    }
  }
  return fixtures;
}
