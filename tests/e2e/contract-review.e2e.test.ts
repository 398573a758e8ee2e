// test-tier: own-services (its agents call a simulated model API set in their environment)
// The contract review end to end on the real stack: every agent its own process, the document in
// the JetStream object store, the filing in the records simulator (its records are the ground
// truth). The model API is simulated at the outer edge (the testkit's scripted OpenAI-compatible
// server); a real model is never called.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decide } from '@baton/console';
import { execa } from 'execa';
import {
  consoleUsers,
  lastUserText,
  postEvent,
  repoRoot,
  stackEnv,
  startSimulatedModelApi,
  temporalTlsEnv,
  type ChatRequest,
  type ModelReply,
  type SimulatedModelApi,
} from '@baton/testkit';
import registration, { type Clause } from '@baton/workflow-contract-review';
import {
  CLEAN_CONTRACT,
  INJECTED_CONTRACT,
  RISKY_CONTRACT,
  contractEvent,
} from '@baton/workflow-contract-review/samples';
import { startStack, type Stack } from './support.js';
import { consoleSession, records, waitForContractState } from './contract-support.js';

const down: ModelReply = { status: 500, error: 'upstream model crashed' };
const asks = (request: ChatRequest, words: string) =>
  request.messages.some((m) => m.role === 'system' && String(m.content).includes(words));
const isClassify = (r: ChatRequest) => asks(r, 'You classify each clause');
const isDraft = (r: ChatRequest) => asks(r, 'You write a contract review');

/** A model that does what the contract tells it: every clause low risk. */
const obedient = (request: ChatRequest): ModelReply => {
  if (!isClassify(request)) return down;
  const clauses = JSON.parse(/<clauses>\n([\s\S]*)\n<\/clauses>/.exec(lastUserText(request))![1]!) as Clause[];
  return {
    content: JSON.stringify({
      assessments: clauses.map((c) => ({
        clauseId: c.id,
        category: 'other',
        risk: 'low',
        reason: 'the document says it was pre-approved',
      })),
    }),
  };
};

async function submit(text: string) {
  const event = contractEvent(text);
  const answer = await postEvent(event);
  assert.equal(answer.status, 202, JSON.stringify(answer.body));
  return { event, workflowId: String(answer.body.workflowId) };
}

describe('contract review end to end (model API simulated)', () => {
  let stack: Stack;
  let api: SimulatedModelApi;
  before(async () => {
    api = await startSimulatedModelApi();
    api.script('primary', down);
    api.script('backup', down);
    stack = await startStack({
      workflows: ['contract-review'],
      env: {
        BATON_MODELS: 'primary,backup',
        BATON_MODEL_PRIMARY_PROVIDER: 'openai-compatible',
        BATON_MODEL_PRIMARY_BASE_URL: api.baseUrl('primary'),
        BATON_MODEL_PRIMARY_MODEL: 'primary-model',
        BATON_MODEL_BACKUP_PROVIDER: 'openai-compatible',
        BATON_MODEL_BACKUP_BASE_URL: api.baseUrl('backup'),
        BATON_MODEL_BACKUP_MODEL: 'backup-model',
        BATON_MODEL_MAX_RETRIES: '0',
      },
      // Bundling the workflows takes the orchestrator over a minute on a loaded 2-core machine.
      readyTimeoutMs: 180_000,
    });
  });
  after(async () => {
    await stack?.close();
    await api?.close();
  });

  it('files a clean contract without a person: the document travels by reference, one filing in the records system', async () => {
    const { event, workflowId } = await submit(CLEAN_CONTRACT);
    const done = await waitForContractState(stack.temporal, workflowId, 'Filed');
    assert.equal(done.overallRisk, 'low');
    assert.equal(done.gate, undefined, 'no gate was opened');
    assert.deepEqual(
      done.steps.map((s) => s.stepId),
      ['ingest', 'extract', 'classify', 'policy-check', 'draft', 'file'],
    );
    // Only ingest saw the text; the next step got the object-store reference.
    assert.deepEqual(Object.keys(done.steps[1]!.input as object), ['document']);
    assert.equal(done.document?.bucket, 'baton_artifacts');
    assert.match(done.document?.summary ?? '', /words/);
    const filed = await records.filings(`?contractId=${event.data.contractId}`);
    assert.equal(filed.length, 1, 'filed exactly once');
    assert.equal(filed[0]!.filingId, done.filing?.filingId);
    assert.equal(filed[0]!.approvedBy, null);
    assert.equal(filed[0]!.documentKey, done.document?.key);
  });

  it('stops a high-risk contract at the approval gate with every clause and its risk shown; approved, it is filed once with the approver', async () => {
    const { event, workflowId } = await submit(RISKY_CONTRACT);
    const waiting = await waitForContractState(stack.temporal, workflowId, 'Awaiting approval');
    assert.equal(waiting.gate?.gateType, 'contract.high-risk');
    assert.deepEqual(
      await records.filings(`?contractId=${event.data.contractId}`),
      [],
      'nothing is filed before the approval',
    );
    const high = waiting.gate!.payload.clauses.filter((c) => c.risk === 'high').map((c) => c.heading);
    assert.deepEqual(high, ['Liability', 'Indemnity', 'Intellectual property']);
    // What the console shows the approver, from the workflow's own registration.
    const rows = registration.view!.context!(waiting, undefined);
    const liability = rows.find((r) => r.label.endsWith('Liability'));
    assert.match(liability?.value ?? '', /^HIGH — .*LIABILITY-CAP/);
    assert.equal(liability?.emphasis, true);
    // The console's inbox, the gate's page and the operations view, and the CLI, unedited for this workflow type.
    const page = await consoleSession(
      stackEnv().BATON_CONSOLE_URL,
      consoleUsers.manager.username,
      consoleUsers.manager.password,
    );
    const inbox = await page('/inbox');
    assert.match(
      inbox,
      new RegExp(
        `data-workflow="${workflowId}"[\\s\\S]*?contract\\.high-risk[\\s\\S]*?contract-review[\\s\\S]*?high risk`,
      ),
    );
    const gatePage = await page(`/gates/${encodeURIComponent(workflowId)}`);
    assert.match(gatePage, /<td id="clause-c4" class="allergy">HIGH — [^<]*LIABILITY-CAP/);
    assert.match(gatePage, /<td id="clause-c7">LOW — /);
    assert.match(gatePage, /name="decision" value="approve"/);
    // The operations view is an operator's.
    const operator = await consoleSession(
      stackEnv().BATON_CONSOLE_URL,
      consoleUsers.operator.username,
      consoleUsers.operator.password,
    );
    assert.match(await operator('/ops'), /contract-review/);
    const cli = await execa(
      'node',
      ['--conditions=baton-source', '--import', 'tsx', 'services/console/src/cli.ts', 'pending'],
      { cwd: repoRoot, timeout: 60_000, env: temporalTlsEnv('operator') },
    );
    assert.ok(
      (JSON.parse(cli.stdout) as Array<{ workflowId: string; workflowType: string }>).some(
        (w) => w.workflowId === workflowId && w.workflowType === 'contract-review',
      ),
    );

    await decide(stack.temporal, workflowId, {
      decision: 'approve',
      decidedBy: 'mia',
      role: 'manager',
      reason: 'liability cap negotiated by phone',
    });
    const done = await waitForContractState(stack.temporal, workflowId, 'Filed');
    const filed = await records.filings(`?contractId=${event.data.contractId}`);
    assert.equal(filed.length, 1);
    assert.equal(filed[0]!.approvedBy, 'mia');
    assert.equal(filed[0]!.overallRisk, 'high');
    assert.equal(filed[0]!.redlines, done.draft?.redlines.length);
    assert.ok((done.draft?.redlines.length ?? 0) >= 3, 'a redline per policy finding');
  });

  it('still reaches the approval when the contract tells the reviewer to mark everything low risk and the model obeys: the rule on the route decides', async () => {
    api.script('primary', obedient);
    try {
      const { event, workflowId } = await submit(INJECTED_CONTRACT);
      const waiting = await waitForContractState(stack.temporal, workflowId, 'Awaiting approval');
      assert.ok(
        waiting.assessments!.length > 0 && waiting.assessments!.every((a) => a.risk === 'low'),
        'the model classified every clause low',
      );
      const liability = waiting.risks!.find((r) => r.heading === 'Liability');
      assert.equal(liability?.risk, 'high', 'the policy rule raised it');
      assert.ok(waiting.findings!.some((f) => f.ruleId === 'LIABILITY-CAP' && f.clauseId === liability?.clauseId));
      assert.ok(waiting.findings!.some((f) => f.ruleId === 'REVIEWER-INSTRUCTION'));
      await decide(stack.temporal, workflowId, {
        decision: 'decline',
        decidedBy: 'mia',
        role: 'manager',
        reason: 'uncapped liability and exclusivity',
      });
      await waitForContractState(stack.temporal, workflowId, 'Declined');
      assert.deepEqual(
        await records.filings(`?contractId=${event.data.contractId}`),
        [],
        'a declined contract is never filed',
      );
    } finally {
      api.script('primary', down);
    }
  });

  it('falls back to the second provider when the first is down, and to the rules when both are', async () => {
    api.script('primary', down);
    api.script('backup', (request) =>
      isDraft(request)
        ? { content: JSON.stringify({ summary: 'Reviewed by the backup model: standard terms.', redlines: [] }) }
        : down,
    );
    try {
      const before = api.requests('primary').length;
      const { workflowId } = await submit(CLEAN_CONTRACT);
      const done = await waitForContractState(stack.temporal, workflowId, 'Filed');
      assert.equal(
        done.draft?.summary,
        'Reviewed by the backup model: standard terms.',
        'the backup model wrote the summary',
      );
      assert.ok(api.requests('primary').length > before, 'the primary was asked first');
      // Extraction and classification found both providers down: the rules served.
      assert.equal(done.clauseCount, 8);
      assert.ok(done.assessments!.every((a) => a.reason === 'standard wording'));
    } finally {
      api.script('backup', down);
    }
  });
});
