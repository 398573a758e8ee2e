// test-tier: own-services, alone (it scaffolds a workflow into workflows/, which every other test run reads)
// The layering test of the workflow kit: `new-workflow` writes a folder, and with no edit outside
// it the workflow's own tests pass, the gateway routes its event, the orchestrator runs its two
// agent steps on the real stack, and a person decides its gate in the console (headless
// Chromium). Then `npm run dev -- --workflows <it>` serves it and restarts its services when its
// folder changes. The folder is removed afterwards.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { consoleUsers, postEvent, repoRoot, temporalClient, waitFor } from '@baton/testkit';
import { AWAITING_DECISION, statusQuery, type WorkflowStatus } from '@baton/workflow-kit';
import { scaffoldWorkflow, workflowNames } from '../../packages/workflow-kit/scripts/scaffold-workflow.js';
import { startStack, type Stack } from '../e2e/support.js';
import { launchChromium, signedInPage } from './support.js';

// A name no other run uses, so a folder left by a crashed run cannot collide.
const name = `errand-${Date.now().toString(36)}`;
const n = workflowNames(name);
const folder = join(repoRoot, 'workflows', name);
const changedPaths = () =>
  execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((line) => line.slice(3));

describe('a workflow scaffolded with new-workflow (headless Chromium)', () => {
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  const before_ = new Set<string>();
  const lockfile = join(repoRoot, 'pnpm-lock.yaml');
  let lockfileBefore = '';
  before(() => {
    for (const p of changedPaths()) before_.add(p);
    lockfileBefore = readFileSync(lockfile, 'utf8');
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
    rmSync(folder, { recursive: true, force: true });
    // pnpm (the check below, and the dev command's set-up) gave the folder an empty lockfile entry.
    if (readFileSync(lockfile, 'utf8') !== lockfileBefore) writeFileSync(lockfile, lockfileBefore);
  });

  it('touches only its own folder, and its own tests pass as written', () => {
    const created = scaffoldWorkflow(repoRoot, name);
    assert.ok(created.length >= 6);
    const changed = changedPaths().filter((p) => !before_.has(p));
    assert.ok(changed.length > 0);
    for (const path of changed)
      assert.ok(path.startsWith(`workflows/${name}/`), `${path} changed outside the new folder`);
    // A run of its own (not a subtest of this one): without the parent runner's context.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT'));
    const out = execFileSync(
      'node',
      [
        '--conditions=baton-source',
        '--import',
        'tsx',
        '--test',
        '--test-reporter=tap',
        join('workflows', name, 'test', `${name}.unit.test.ts`),
      ],
      { cwd: repoRoot, encoding: 'utf8', env },
    );
    assert.match(out, /# pass 3\n# fail 0/);
    // Its package.json declares its agents and no dependencies: a frozen install passes (pnpm
    // refuses one when a manifest lists what the lockfile lacks), adding to the lockfile only the
    // folder's empty entry, and the test kit resolves from the folder.
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
      baton: { services: string[] };
      dependencies?: unknown;
    };
    assert.deepEqual(manifest.baton.services, [n.prepare, n.finish]);
    assert.equal(manifest.dependencies, undefined);
    execFileSync('bash', [join('infra', 'pnpm.sh'), 'install', '--frozen-lockfile', '--lockfile-only', '--offline'], {
      cwd: repoRoot,
      stdio: 'pipe',
    });
    assert.equal(readFileSync(lockfile, 'utf8').replace(`  workflows/${name}: {}\n\n`, ''), lockfileBefore);
    assert.match(createRequire(join(folder, 'test', 'e2e.ts')).resolve('@baton/testkit'), /packages[/\\]testkit[/\\]/);
  });

  it('starts from an event through the webhook, runs both agent steps, and a person approves its gate in the console', async () => {
    stack = await startStack({ workflows: [name] });
    assert.ok(
      stack.services.byName.has(n.prepare) && stack.services.byName.has(n.finish),
      'its agents run as their own processes',
    );
    browser = await launchChromium();
    const event = {
      id: `evt-${name}`,
      source: 'urn:test:new-workflow',
      specversion: '1.0',
      type: n.eventType,
      time: new Date().toISOString(),
      idempotencykey: `ask-${name}`,
      data: {
        text: 'Please order two boxes of printer paper for the front office',
        requester: { id: 'u-ada', name: 'Ada' },
      },
    };
    const answer = await postEvent(event);
    assert.equal(answer.status, 202);
    const workflowId = String(answer.body.workflowId);
    const handle = stack.temporal.workflow.getHandle(workflowId);
    const waiting = await waitFor(`${workflowId} to wait at its gate`, async () => {
      const s = await handle.query(statusQuery).catch(() => undefined);
      if (s && ['Done', 'Declined', 'Expired', 'Abandoned'].includes(s.state))
        throw new Error(`${workflowId} ended in ${s.state} before its gate`);
      return s?.state === AWAITING_DECISION ? s : undefined;
    });
    assert.equal(waiting.workflowType, name);
    assert.deepEqual(
      waiting.steps.map((s) => [s.agent, s.status]),
      [[n.prepare, 'ok']],
    );

    const page = await signedInPage(browser, consoleUsers.manager);
    const row = page.locator(`#inbox tr[data-workflow="${workflowId}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(`${n.gateType}.*${name}.*Please order two boxes`, 's'));
    await row.locator('a').first().click();
    assert.equal(await page.locator('#state').innerText(), AWAITING_DECISION);
    assert.equal(await page.locator('#requester').innerText(), 'Ada (u-ada)');
    await page.check('#decide input[name=decision][value=approve]');
    await page.fill('#decide textarea[name=reason]', 'paper is in the budget');
    await page.click('#decide button[type=submit]');
    await page.waitForSelector('#flash');
    assert.match(await page.locator('#flash').innerText(), /Decided .*approve/);

    const done = await waitFor(`${workflowId} to finish`, async () => {
      const s = (await handle.query(statusQuery)) as WorkflowStatus & { reference?: string };
      if (['Declined', 'Expired', 'Abandoned'].includes(s.state)) throw new Error(`${workflowId} ended in ${s.state}`);
      return s.state === 'Done' ? s : undefined;
    });
    assert.match(done.reference ?? '', new RegExp(`^${name}-[0-9a-f]{12}$`));
    assert.deepEqual(
      done.steps.map((s) => [s.agent, s.status]),
      [
        [n.prepare, 'ok'],
        [n.finish, 'ok'],
      ],
    );
    assert.equal(done.decision?.decidedBy, consoleUsers.manager.username);
  });

  it('runs under `npm run dev`, which restarts its services when its folder changes', async () => {
    // One set of services at a time: the dev command starts its own.
    await stack?.close();
    stack = undefined;
    const dev = spawn('bash', [join('infra', 'dev.sh'), '--workflows', name], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    dev.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    dev.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => dev.on('exit', (code) => resolve(code)));
    const readyLines = () => out.match(/^dev: \d+ services ready/gm)?.length ?? 0;
    const temporal = await temporalClient();
    try {
      await waitFor('npm run dev to start the services', () => readyLines() >= 1, { timeoutMs: 120_000 });
      const started = out.split('\n').find((l) => l.startsWith('dev: ') && l.includes('services ready')) ?? '';
      for (const service of ['gateway', 'orchestrator', 'console', n.prepare, n.finish])
        assert.ok(started.includes(service), `${service} among: ${started}`);
      assert.match(out, /baton events send --type/);
      const answer = await postEvent({
        id: `evt-dev-${name}`,
        source: 'urn:test:new-workflow',
        specversion: '1.0',
        type: n.eventType,
        time: new Date().toISOString(),
        idempotencykey: `dev-${name}`,
        data: { text: 'Please order a stapler', requester: { id: 'u-ada', name: 'Ada' } },
      });
      assert.equal(answer.status, 202);
      const handle = temporal.workflow.getHandle(String(answer.body.workflowId));
      await waitFor(
        'the event to reach its gate under npm run dev',
        async () => (await handle.query(statusQuery).catch(() => undefined))?.state === AWAITING_DECISION,
      );

      appendFileSync(join(folder, 'src', 'definition.ts'), '\n// changed while npm run dev runs\n');
      await waitFor('npm run dev to restart the services', () => readyLines() >= 2, { timeoutMs: 120_000 });
      assert.match(out, new RegExp(`^dev: workflows/${name}/src/definition.ts changed: restarting the services$`, 'm'));
    } finally {
      dev.kill('SIGINT');
      await temporal.close();
    }
    assert.equal(await exited, 0, out.slice(-2000));
    assert.match(out, /^dev: stopping the services$/m);
  });
});
