// The Temporal web UI (served by baton-temporal on loopback) behind the console's sign-in (issue
// 26): without a console session a browser's page request is sent to the console's sign-in page
// with the UI address to come back to, and the UI's API answers 401; a person without the
// operator role gets 403; a signed-in operator gets the UI, and its API answers from Temporal; a
// signed-out session gets nothing again. The console's session cookie reaches the UI's port
// because it is host-only (no Domain attribute): checked here too, as the design rests on it.
// `baton-temporal ui`, the same gated UI as a process of its own (the cluster topology's and
// docker-compose's), is run here against the stack's Temporal and answers the same way.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { consoleUsers, repoRoot, stackEnv, temporalTlsDir, waitFor } from '@baton/testkit';
import { startStack, type Stack } from './support.js';

const consoleUrl = stackEnv().BATON_CONSOLE_URL;
const uiUrl = stackEnv().BATON_TEMPORAL_UI_URL;
const namespace = stackEnv().BATON_TEMPORAL_NAMESPACE;
const page = `${uiUrl}/namespaces/${namespace}/workflows`;
const api = `${uiUrl}/api/v1/namespaces/${namespace}/workflows`;

/** One request as a browser would send it (a page: Accept text/html), redirects not followed. */
async function visit(url: string, cookie?: string, accept = 'text/html,application/xhtml+xml'): Promise<Response> {
  return fetch(url, {
    headers: { accept, ...(cookie ? { cookie } : {}) },
    redirect: 'manual',
    signal: AbortSignal.timeout(15_000),
  });
}

/**
 * Signs in at the console; returns the session cookie ("baton_session=…"), its attributes and where the console sent
 * the browser.
 */
async function signIn(
  user: { username: string; password: string },
  next = '/inbox',
): Promise<{ cookie: string; attributes: string; location: string }> {
  const answer = await fetch(`${consoleUrl}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: consoleUrl },
    body: new URLSearchParams({ username: user.username, password: user.password, next }).toString(),
    redirect: 'manual',
    signal: AbortSignal.timeout(15_000),
  });
  assert.equal(answer.status, 303, `${user.username} signed in`);
  const set = answer.headers.get('set-cookie') ?? '';
  assert.match(set, /^baton_session=/, 'the console set its session cookie');
  return {
    cookie: set.split(';')[0]!,
    attributes: set.split(';').slice(1).join(';'),
    location: answer.headers.get('location') ?? '',
  };
}

/** A port nobody listens on now (the OS's pick). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, stackEnv().BATON_HOST, ok));
  const { port } = server.address() as { port: number };
  await new Promise((ok) => server.close(ok));
  return port;
}

describe('Temporal UI behind the console sign-in', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.close();
  });

  it('sends a browser without a session to the console sign-in and back, and gives API calls 401', async () => {
    const anonymous = await visit(page);
    assert.equal(anonymous.status, 303);
    const to = new URL(anonymous.headers.get('location') ?? '');
    assert.equal(`${to.origin}${to.pathname}`, `${consoleUrl}/login`);
    assert.equal(to.searchParams.get('next'), page, 'the UI address to come back to');
    assert.equal((await visit(api, undefined, 'application/json')).status, 401, 'an API call without a session');
    assert.equal(
      (await visit(api, 'baton_session=forged.value', 'application/json')).status,
      401,
      'a cookie the console never issued',
    );

    // The console takes the UI's address as where to go after sign-in (its own origin only).
    const back = await signIn(consoleUsers.operator, page);
    assert.equal(back.location, page);
    const elsewhere = await signIn(consoleUsers.operator, `http://${stackEnv().BATON_HOST}:1/namespaces`);
    assert.equal(elsewhere.location, '/inbox', 'another port of the same host is not the UI: not followed');
  });

  it('refuses a signed-in person without the operator role', async () => {
    const host = await signIn(consoleUsers.host);
    const refused = await visit(page, host.cookie);
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /operator role/);
    assert.equal((await visit(api, host.cookie, 'application/json')).status, 403);
  });

  it("serves a signed-in operator the UI and Temporal's answers, until the operator signs out", async () => {
    const operator = await signIn(consoleUsers.operator);
    // Host-only (no Domain), path /: a browser sends it to every port of the console's host, the UI's too.
    assert.doesNotMatch(operator.attributes, /domain=/i);
    assert.match(operator.attributes, /path=\//i);
    assert.match(operator.attributes, /samesite=strict/i);
    assert.match(operator.attributes, /httponly/i);

    const shown = await visit(page, operator.cookie);
    assert.equal(shown.status, 200);
    assert.match(shown.headers.get('content-type') ?? '', /text\/html/);
    const listed = await visit(api, operator.cookie, 'application/json');
    assert.equal(listed.status, 200, 'the UI asked Temporal as its own identity and got an answer');
    assert.ok(Array.isArray(((await listed.json()) as { executions?: unknown }).executions ?? []), 'a workflow list');

    // Sign out (the form needs its CSRF token), and the same cookie opens nothing.
    const inbox = await (
      await fetch(`${consoleUrl}/inbox`, { headers: { cookie: operator.cookie }, signal: AbortSignal.timeout(15_000) })
    ).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(inbox)?.[1];
    assert.ok(csrf, 'the inbox carries a CSRF token');
    const out = await fetch(`${consoleUrl}/logout`, {
      method: 'POST',
      headers: { cookie: operator.cookie, 'content-type': 'application/x-www-form-urlencoded', origin: consoleUrl },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(15_000),
    });
    assert.equal(out.status, 303);
    assert.equal(
      (await visit(api, operator.cookie, 'application/json')).status,
      401,
      'signed out: the UI refuses the old cookie',
    );
  });

  it('answers the same as `baton-temporal ui`, a process of its own', async () => {
    const bin = execFileSync('bash', [join(repoRoot, 'infra', 'obtain.sh'), 'baton-temporal'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
    const tls = temporalTlsDir();
    const listen = `${stackEnv().BATON_HOST}:${await freePort()}`;
    const ui = spawn(
      bin,
      [
        'ui',
        '--listen',
        listen,
        '--frontend',
        stackEnv().BATON_TEMPORAL_ADDRESS,
        '--namespace',
        namespace,
        '--cert',
        join(tls, 'ui.pem'),
        '--key',
        join(tls, 'ui.key'),
        '--ca',
        join(tls, 'ca.pem'),
        '--auth-url',
        `${consoleUrl}/auth/temporal-ui`,
        '--login-url',
        `${consoleUrl}/login`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    ui.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      const base = `http://${listen}`;
      await waitFor('baton-temporal ui to answer its health check', async () => {
        if (ui.exitCode !== null) throw new Error(`baton-temporal ui exited (${ui.exitCode}): ${stderr}`);
        return (await fetch(`${base}/healthz`).catch(() => undefined))?.ok;
      });
      const uiApi = `${base}/api/v1/namespaces/${namespace}/workflows`;
      assert.equal((await visit(uiApi, undefined, 'application/json')).status, 401);
      const anonymous = await visit(`${base}/namespaces/${namespace}/workflows`);
      assert.equal(anonymous.status, 303);
      assert.match(anonymous.headers.get('location') ?? '', new RegExp(`^${consoleUrl}/login\\?next=`));
      assert.equal((await visit(uiApi, (await signIn(consoleUsers.viewer)).cookie, 'application/json')).status, 403);
      assert.equal(
        (await visit(uiApi, (await signIn(consoleUsers.operator)).cookie, 'application/json')).status,
        200,
        "an operator gets Temporal's answer through it",
      );
    } finally {
      ui.kill('SIGTERM');
    }
  });
});
