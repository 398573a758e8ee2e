// The workflow scaffold: a working workflow folder under workflows/<name> with one event type,
// two agent steps (its agents live in the folder, each served as its own process), one approval
// gate, its registration and its tests (its rules, and its paths as a workflow test on the kit's
// harness). Nothing outside the new folder changes: the gateway, the
// orchestrator, the console and the local stack find it by themselves. Text under `root`, written
// as `npm run format` writes it (the lint step checks the formatting of every file).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WORKFLOW_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export class WorkflowScaffoldError extends Error {
  readonly code = 'SCAFFOLD_REFUSED';
}

const camel = (name: string) => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const pascal = (name: string) => camel(name).replace(/^[a-z]/, (c) => c.toUpperCase());

/** The names a workflow called `name` uses, derived once. */
export function workflowNames(name: string) {
  return {
    type: name,
    workflowName: `${camel(name)}Workflow`,
    eventType: `${name.replace(/-/g, '_')}.requested.v1`,
    prepare: `${name}-prepare`,
    finish: `${name}-finish`,
    gateType: `${name}.review`,
    agentsTable: `${camel(name)}Agents`,
    Event: `${pascal(name)}Requested`,
    Agents: `${pascal(name)}Agents`,
    Input: `${pascal(name)}Input`,
    Status: `${pascal(name)}Status`,
  };
}

/** The files of a new workflow folder, by path relative to it. */
export function renderWorkflowFiles(name: string): Record<string, string> {
  const n = workflowNames(name);
  const contracts = `// The ${name} workflow's contracts: the event that starts it and its two agents' input and
// output. zod values live here (the gateway, the result bridge and the agents load them); the
// workflow code imports types only.
import { z } from 'zod';
import { defineAgentContract, eventEnvelope } from '@baton/contracts';

export const Requester = z.object({ id: z.string().min(1).max(100), name: z.string().min(1).max(200) });

/** Data of \`${n.eventType}\`: what a person or a system asks for, in words. */
export const ${n.Event} = eventEnvelope('${n.eventType}', z.object({ text: z.string().min(1).max(4000), requester: Requester }));
export type ${n.Event} = z.infer<typeof ${n.Event}>;

export const Draft = z.object({ summary: z.string().min(1).max(2000), words: z.number().int().min(0) });
export type Draft = z.infer<typeof Draft>;

export const ${n.agentsTable} = {
  '${n.prepare}': defineAgentContract('${n.prepare}', { input: z.object({ text: z.string().min(1).max(4000) }), output: Draft }),
  '${n.finish}': defineAgentContract('${n.finish}', {
    input: z.object({ draft: Draft, approvedBy: z.string().min(1) }),
    output: z.object({ reference: z.string().min(1) }),
  }),
};
export type ${n.Agents} = typeof ${n.agentsTable};
`;
  const definition = `// The ${name} workflow's declared states, gate type and limits, and its status: pure data shared
// by its workflow code (in Temporal's sandbox) and its registration.
import type { GateView, KitState, WorkflowDefinition, WorkflowStatus } from '@baton/workflow-kit/workflow';
import type { Draft, ${n.Agents} } from './contracts.js';

export const States = ['Preparing', 'Awaiting approval', 'Finishing', 'Needs attention', 'Done', 'Declined', 'Expired', 'Abandoned'] as const;
export type State = (typeof States)[number];

export const definition: WorkflowDefinition<State, ${n.Agents}, ${n.Status}> = {
  type: '${n.type}',
  states: States,
  terminal: ['Done', 'Declined', 'Expired', 'Abandoned'],
  succeeded: ['Done', 'Declined'],
  limitsMs: { Preparing: 10 * 60_000, 'Awaiting approval': 4 * 3600_000, Finishing: 10 * 60_000, 'Needs attention': 4 * 3600_000 },
  gateTypes: { '${n.gateType}': { autoApprove: false, title: 'A person checks the draft before it is finished' } },
};

export interface ${n.Status} extends WorkflowStatus<State> {
  state: State | KitState;
  eventId: string;
  requester?: { id: string; name: string };
  draft?: Draft;
  reference?: string;
  gate?: GateView<{ draft: Draft }>;
}

export const workflowName = '${n.workflowName}';
/** The workflow an event starts: replaying the event finds the same one. */
export const workflowIdOf = (idempotencyKey: string) => \`${n.type}-\${idempotencyKey}\`;
`;
  const workflow = `// The ${name} workflow: prepare a draft -> a person reviews it -> finish. The kit does the
// states, audit, search attributes, stuck watch, the gate and the attention gate for a step that
// fails for good. Types only from the contracts: no zod in the workflow sandbox.
import { workflowInfo } from '@temporalio/workflow';
import { APPROVAL_OPTIONS, GateRefusedError, StepAbandonedError, runWorkflow, type GateTier, type RunOptions } from '@baton/workflow-kit/workflow';
import type { Draft, ${n.Event} } from './contracts.js';
import { definition, type ${n.Status}, type State } from './definition.js';

/** What starts a run: the event only. Timings are the workflow's own (REVIEW_TIERS); tests move
 *  time with the harness's \`wf.advance\` instead of shortening them. */
export interface ${n.Input} extends RunOptions<State> {
  event: ${n.Event};
}

/** Who reviews, tier by tier: a manager for a day, then the draft expires. */
const REVIEW_TIERS: GateTier[] = [{ role: 'manager', timeoutMs: 24 * 3600_000 }];

/** A reviewer may rewrite the summary. */
function applyChanges(payload: { draft: Draft }, changes: Record<string, unknown>): { draft: Draft } {
  const { summary, ...rest } = changes;
  if (Object.keys(rest).length) throw new GateRefusedError(\`only the summary may change, not \${Object.keys(rest).join(', ')}\`);
  if (typeof summary !== 'string' || summary.length < 1 || summary.length > 2000) throw new GateRefusedError('summary must be text of 1-2000 characters');
  return { draft: { ...payload.draft, summary } };
}

export async function ${n.workflowName}(input: ${n.Input}): Promise<${n.Status}> {
  return runWorkflow(definition, { state: 'Preparing', eventId: input.event.id, requester: input.event.data.requester }, input, async (run) => {
    const { status } = run;
    try {
      run.enter('Preparing');
      status.draft = await run.step('${n.prepare}', 'prepare', { text: input.event.data.text });
      const outcome = await run.gate({
        gateId: \`\${workflowInfo().workflowId}/review\`,
        gateType: '${n.gateType}',
        payload: { draft: status.draft },
        options: [...APPROVAL_OPTIONS],
        tiers: REVIEW_TIERS,
        safeDefault: 'the draft expires; nothing is filed',
        applyChanges,
      });
      if (outcome.kind === 'timed-out') return run.end('Expired');
      if (outcome.kind !== 'approved') return run.end('Declined');
      status.draft = outcome.payload.draft;
      run.enter('Finishing');
      status.reference = (await run.step('${n.finish}', 'finish', { draft: status.draft, approvedBy: outcome.decision.decidedBy })).reference;
      return run.end('Done');
    } catch (err) {
      // A person abandoned a failed step: nothing was filed; say why in the status.
      if (!(err instanceof StepAbandonedError)) throw err;
      return run.fail(err, 'Abandoned');
    }
  });
}
`;
  const index = `// The ${name} workflow registers itself: its event type, its agents' contracts, its gate type (in
// its definition), its workflow function, and how the console shows it.
import { defineWorkflow, sourceModule } from '@baton/workflow-kit';
import { ${n.Event}, ${n.agentsTable}, type ${n.Agents} } from './contracts.js';
import { definition, workflowIdOf, workflowName, type ${n.Status} } from './definition.js';
import type { ${n.Input} } from './workflow.js';

export default defineWorkflow<${n.Status}, ${n.Agents}>({
  definition,
  workflowName,
  workflowModule: sourceModule(import.meta.url, './workflow.ts'),
  events: {
    '${n.eventType}': {
      schema: ${n.Event},
      start: (event: ${n.Event}) => ({ workflowId: workflowIdOf(event.idempotencykey), input: { event } satisfies ${n.Input} }),
    },
  },
  agents: ${n.agentsTable},
  view: {
    summary: (s) => s.draft?.summary.slice(0, 80) ?? '',
    context: (s) => [
      { label: 'requested by', id: 'requester', value: s.requester ? \`\${s.requester.name} (\${s.requester.id})\` : '' },
      { label: 'draft', id: 'draft', value: s.gate?.payload.draft.summary ?? s.draft?.summary ?? '' },
    ],
    changeFields: [{ name: 'summary', label: 'Summary (with changes)', type: 'text', maxLength: 2000 }],
    customerId: (s) => s.requester?.id,
    successState: 'Done',
  },
});

export * from './contracts.js';
export * from './definition.js';
export type { ${n.Input} } from './workflow.js';
`;
  const prepare = `// ${n.prepare}: reads the request and drafts a summary. The configured model chain answers
// when there is one; these rules serve last (and offline). Replace them with the step's real work.
import { defineAgent } from '@baton/agent';
import { ${n.agentsTable}, type Draft } from '../src/contracts.js';

const contract = ${n.agentsTable}['${n.prepare}'];

/** The deterministic draft: the first thirty words. */
export function draftOf(text: string): Draft {
  const words = text.trim().split(/\\s+/).filter(Boolean);
  return { summary: words.slice(0, 30).join(' '), words: words.length };
}

export default defineAgent(contract, {
  async handle({ text }, ctx) {
    return ctx.model.object({
      purpose: '${n.prepare}',
      schema: contract.output,
      system: 'Summarise the request in one sentence and count its words.',
      prompt: \`<request>\\n\${text}\\n</request>\`,
      rules: () => draftOf(text),
    });
  },
});
`;
  const finish = `// ${n.finish}: files the approved draft once. An effect that must not repeat goes through
// ctx.effect (the idempotency ledger); its key is the same for every retry of this step, so hand it
// to the external system as its idempotency key.
import { createHash } from 'node:crypto';
import { defineAgent } from '@baton/agent';
import { ${n.agentsTable} } from '../src/contracts.js';

export default defineAgent(${n.agentsTable}['${n.finish}'], {
  async handle({ draft }, ctx) {
    // This one files nothing outside: computing the reference again is harmless (retrySafe). An
    // effect on a real system passes a \`reconcile\` that asks the system instead.
    return ctx.effect(
      'file',
      async (idempotencyKey) => {
        ctx.logger.info({ words: draft.words }, 'draft filed');
        return { reference: \`${n.type}-\${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 12)}\` };
      },
      { retrySafe: true },
    );
  },
});
`;
  const test = `// The ${name} workflow's own tests: its registration stands beside every other workflow, its
// event is validated, and its agents' rules give what the contracts promise.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry, type EventRoute } from '@baton/workflow-kit';
import registration, { ${n.Event}, ${n.agentsTable}, workflowIdOf } from '../src/index.js';
import { draftOf } from '../agents/${n.prepare}.js';

const event = {
  id: 'evt-1',
  source: 'urn:example',
  specversion: '1.0',
  type: '${n.eventType}',
  time: '2026-12-01T09:00:00Z',
  idempotencykey: 'ask-1',
  data: { text: 'Please order two boxes of paper for the office', requester: { id: 'u-1', name: 'Ada' } },
};

describe('${name} workflow', () => {
  it('registers its event, agents and gate type without clashing with the other workflows', async () => {
    const registry = await Registry.load();
    assert.equal(registry.events.get('${n.eventType}')?.workflow.definition.type, '${n.type}');
    assert.ok(registry.agents.has('${n.prepare}') && registry.agents.has('${n.finish}'));
    assert.equal(registry.gateTypes.get('${n.gateType}')?.autoApprove, false);
  });

  it('starts one workflow per idempotency key and refuses an event without a requester', () => {
    const start = (registration.events['${n.eventType}'] as EventRoute).start(${n.Event}.parse(event));
    assert.equal(start.workflowId, workflowIdOf('ask-1'));
    assert.equal(${n.Event}.safeParse({ ...event, data: { text: 'x' } }).success, false);
  });

  it('drafts what the prepare contract promises', () => {
    const draft = draftOf(event.data.text);
    assert.deepEqual(${n.agentsTable}['${n.prepare}'].output.parse(draft), { summary: event.data.text, words: 9 });
  });
});
`;
  const workflowTest = `// The ${name} workflow's paths as specifications, in-process on Temporal's test server with time
// skipping (@baton/workflow-kit/testing): its agents are the fakes below (their answers checked
// against the contracts both ways), the reviewer is the test. Add a spec for each path you add.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { testWorkflow, type AgentFakes, type WorkflowHarness } from '@baton/workflow-kit/testing';
import registration, { type ${n.Agents}, type ${n.Event}, type ${n.Status} } from '../src/index.js';

function requestEvent(text = 'Please order two boxes of paper for the office'): ${n.Event} {
  const key = \`ask-\${randomUUID()}\`;
  return { id: randomUUID(), source: 'urn:baton:test', specversion: '1.0', type: '${n.eventType}', time: new Date().toISOString(), datacontenttype: 'application/json', idempotencykey: key, data: { text, requester: { id: 'u-1', name: 'Ada' } } };
}

/** The two agents; \`filed\` keeps what the finish step filed. */
function agents(filed: string[]): AgentFakes<${n.Agents}> {
  return {
    '${n.prepare}': ({ text }) => ({ summary: text.slice(0, 40), words: text.split(/\\s+/).length }),
    '${n.finish}': ({ draft }) => {
      filed.push(draft.summary);
      return { reference: \`ref-\${filed.length}\` };
    },
  };
}

describe('${name} workflow', () => {
  let wf: WorkflowHarness<${n.Status}, ${n.Agents}>;
  before(async () => {
    wf = await testWorkflow(registration);
  });
  after(() => wf?.close());

  it('prepares a draft, waits for a person, and finishes what they approved with their changes', async () => {
    const filed: string[] = [];
    const run = await wf.start(requestEvent(), { agents: agents(filed) });
    const waiting = await run.waitFor('Awaiting approval');
    assert.equal(waiting.gate?.gateType, '${n.gateType}');
    assert.equal(waiting.gate?.payload.draft.words, 9);
    assert.deepEqual(filed, [], 'nothing is filed before the decision');
    await run.decide('approve-with-changes', { role: 'manager', by: 'mia', changes: { summary: 'Order paper' } });
    const status = await run.result();
    assert.equal(status.state, 'Done');
    assert.equal(status.reference, 'ref-1');
    assert.deepEqual(filed, ['Order paper']);
  });

  it('refuses a change to anything but the summary, and files nothing when the reviewer declines', async () => {
    const filed: string[] = [];
    const run = await wf.start(requestEvent(), { agents: agents(filed) });
    await run.waitFor('Awaiting approval');
    await assert.rejects(run.decide('approve-with-changes', { role: 'manager', changes: { words: 2 } }), (err: Error) => /only the summary may change/.test(String(err.cause)));
    await run.decide('decline', { role: 'manager', by: 'mia', reason: 'we have paper' });
    const status = await run.result();
    assert.equal(status.state, 'Declined');
    assert.deepEqual(filed, []);
  });

  it('expires the draft when nobody decides within a day', async () => {
    const filed: string[] = [];
    const run = await wf.start(requestEvent(), { agents: agents(filed) });
    await run.waitFor('Awaiting approval');
    await wf.advance('23 hours'); // the test server's clock: no real waiting
    assert.equal((await run.status()).gate?.status, 'open', 'a day is not over yet');
    const status = await run.result();
    assert.equal(status.state, 'Expired');
    assert.equal(status.gate?.status, 'timed-out');
    assert.deepEqual(filed, []);
  });
});
`;
  const patches = `// ${n.type}'s patches: a change to its workflow code that a waiting run would replay
// differently is listed here and branched on with \`patches.has('<id>')\`
// (docs/change-safely.md). Record its histories with \`npm run record-histories\` once its tests pass.
import { definePatches } from '@baton/workflow-kit/workflow';

export const patches = definePatches('${n.type}', {});
`;
  // Its manifest declares the services it runs on (its two agents): a test that names it
  // (`startStack({ workflows: ['<name>'] })`) starts them, other tests do not. No dependencies:
  // what a workflow imports (@baton/workflow-kit, @baton/contracts, @baton/agent, @baton/testkit,
  // zod) the repository's root declares, so a frozen install passes with the folder as it is
  // (docs/write-a-workflow.md).
  const manifest = `${JSON.stringify({ name: `@baton/workflow-${name}`, version: '0.1.0', private: true, type: 'module', baton: { services: [n.prepare, n.finish] } }, null, 2)}\n`;
  const tsconfig = `// ${name}'s own typecheck, without the rest of the repository: npx tsc -p workflows/${name}
{ "extends": "../../tsconfig.base.json", "include": ["src", "test", "agents"] }
`;
  return {
    'package.json': manifest,
    'tsconfig.json': tsconfig,
    'src/contracts.ts': contracts,
    'src/patches.ts': patches,
    'src/definition.ts': definition,
    'src/workflow.ts': workflow,
    'src/index.ts': index,
    [`agents/${n.prepare}.ts`]: prepare,
    [`agents/${n.finish}.ts`]: finish,
    [`test/${name}.unit.test.ts`]: test,
    [`test/${name}.workflow.test.ts`]: workflowTest,
  };
}

/** Creates workflows/<name> under root; refuses (changing nothing) if it exists. */
export function scaffoldWorkflow(root: string, name: string): string[] {
  if (!WORKFLOW_NAME.test(name))
    throw new WorkflowScaffoldError(
      `"${name}" is not a workflow name: lowercase letters and digits, words joined by "-"`,
    );
  const folder = join('workflows', name);
  if (existsSync(join(root, folder))) throw new WorkflowScaffoldError(`${folder} already exists`);
  const created: string[] = [];
  for (const [path, text] of Object.entries(renderWorkflowFiles(name))) {
    const full = join(root, folder, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, text);
    created.push(join(folder, path));
  }
  formatFolder(join(root, folder));
  return created;
}

/** The repository's formatter (biome.json) over the new folder; the ignore file is not consulted, so
 *  a folder written under an ignored scratch directory (the scaffold's own test) is formatted too. */
function formatFolder(folder: string): void {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  execFileSync(
    join(repoRoot, 'node_modules', '.bin', 'biome'),
    ['format', '--write', '--vcs-use-ignore-file=false', folder],
    {
      cwd: repoRoot,
      stdio: 'pipe',
      timeout: 30_000,
    },
  );
}
