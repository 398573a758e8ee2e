// The export half of `npm run record-histories` (scripts/record-histories.sh runs the suites on
// a test stack first): for every workflow the orchestrator runs, lists its runs in Temporal's
// visibility, reads each history, and writes one fixture per path (pathOf) into the workflow's
// `histories/` folder, the newest run of each path. A path that already has a file keeps it
// (BATON_RECORD_REPLACE=1 overwrites): a history recorded under older code, with the inputs and
// outputs runs had then, is what proves a change still replays the runs waiting now. Terminated
// and cancelled runs are skipped (the test tore them down; no code path ended them).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { TemporalClientConfig, loadConfig, temporalConnectionOptions } from '@baton/contracts';
import { payloadCodec, runCodec, type JsonPayloads } from '@baton/temporal-codec';
import { Registry } from '../src/registry.js';
import { fixtureName, pathOf, type HistoryFixture } from '../src/histories.js';

const config = loadConfig(TemporalClientConfig);
const replace = process.env.BATON_RECORD_REPLACE === '1';
const registry = await Registry.load();
const connection = await Connection.connect(temporalConnectionOptions(config));
const client = new Client({ connection, namespace: config.BATON_TEMPORAL_NAMESPACE });
const root = new URL('../../../', import.meta.url).pathname;
// The stack encrypts every payload (@baton/temporal-codec) under its own keys; fixtures are kept
// decoded, so the replay suite needs no key and the recording stack's keys stay where they were.
const codec = payloadCodec();
type JsonPayload = JsonPayloads['payloads'][number];
const isPayload = (v: unknown): v is JsonPayload =>
  typeof v === 'object' && v !== null && typeof (v as { metadata?: unknown }).metadata === 'object';
/** What Temporal and the SDK write unencrypted, never through the codec (the codec refuses
 *  plaintext): search attributes, a patch marker's data, and headers. Kept as they are. */
const PLAINTEXT_FIELDS = new Set(['searchAttributes', 'patch-data', 'header']);
async function decoded(node: unknown): Promise<unknown> {
  if (Array.isArray(node)) return Promise.all(node.map(decoded));
  if (typeof node !== 'object' || node === null) return node;
  if (isPayload(node)) return (await runCodec(codec, 'decode', { payloads: [node] })).payloads[0];
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = PLAINTEXT_FIELDS.has(key) ? value : await decoded(value);
  return out;
}
let written = 0;
try {
  for (const target of registry.replayTargets()) {
    const chosen = new Map<string, HistoryFixture>();
    let runs = 0;
    const query = `WorkflowType = "${target.workflowName}" AND ExecutionStatus != "Terminated" AND ExecutionStatus != "Canceled"`;
    // Newest first: the first run seen of each path is the one kept.
    for await (const run of client.workflow.list({ query })) {
      runs++;
      const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
      const { path, patches, closed } = pathOf(history);
      const name = fixtureName(path, patches, closed);
      if (chosen.has(name)) continue;
      chosen.set(name, {
        workflowType: target.type,
        workflowName: target.workflowName,
        workflowId: run.workflowId,
        path: closed === 'running' ? [...path.slice(0, -1), `${path[path.length - 1] ?? 'started'} (open)`] : path,
        patches,
        closed,
        recordedAt: new Date().toISOString(),
        history: (await decoded(JSON.parse(historyToJSON(history)))) as HistoryFixture['history'],
      });
    }
    if (chosen.size > 0) mkdirSync(target.historiesDir, { recursive: true });
    console.log(
      `${target.type} (${target.workflowName}): ${runs} runs, ${chosen.size} paths -> ${relative(root, target.historiesDir)}/`,
    );
    for (const [name, fixture] of chosen) {
      const file = `${target.historiesDir}/${name}`;
      const kept = existsSync(file) && !replace;
      // Stack traces in failures name files by absolute path: kept relative to the repository, so
      // no fixture carries the recording machine's folders.
      if (!kept) writeFileSync(file, `${JSON.stringify(fixture).split(root).join('')}\n`);
      written += kept ? 0 : 1;
      console.log(
        `  ${name}  ${fixture.path.join(' > ') || fixture.closed}${fixture.patches.length ? `  [patches: ${fixture.patches.join(', ')}]` : ''}${kept ? '  (kept the recorded one)' : ''}`,
      );
    }
  }
} finally {
  await connection.close();
}
console.log(`wrote ${written} recorded histories`);
