// The console's access layer on the real stack, with two console replicas: a run of wrong
// passwords locks signing in (the right one too) and is on the audit stream with the sign-ins
// and sign-outs; a session made on one replica works on the other and survives a restart, and a
// sign-out ends it everywhere; no `next` sends a person off the site; the operations views and
// dead-letter replay are for operators; the CLI decides as a signed-in person whose role the
// console takes from the account; pages carry a script-src 'self' policy and are not cached.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { readStream } from '@baton/bus';
import { auditKinds, streams, type AuditRecord } from '@baton/contracts';
import { ServiceProcess, consoleUsers, postEvent, repoRoot, reservationEvent, stackEnv, waitFor } from '@baton/testkit';
import { startStack, waitForState, type Stack } from './support.js';

/** A browser's worth of HTTP: one cookie jar, redirects not followed. */
class Visitor {
  private cookie = '';
  constructor(public base: string) {}

  async request(
    path: string,
    init: { method?: string; form?: Record<string, string>; base?: string } = {},
  ): Promise<Response> {
    const base = init.base ?? this.base;
    const headers: Record<string, string> = this.cookie ? { cookie: this.cookie } : {};
    if (init.form) Object.assign(headers, { 'content-type': 'application/x-www-form-urlencoded', origin: base });
    const response = await fetch(`${base}${path}`, {
      method: init.method ?? 'GET',
      headers,
      redirect: 'manual',
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
      signal: AbortSignal.timeout(15_000),
    });
    const set = response.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0]!;
    return response;
  }

  async csrf(path = '/login'): Promise<string> {
    const page = await (await this.request(path)).text();
    const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
    assert.ok(token, `${path} carries a CSRF token`);
    return token;
  }

  async signIn(user: { username: string; password: string }, next = '/inbox'): Promise<Response> {
    return this.request('/login', { method: 'POST', form: { username: user.username, password: user.password, next } });
  }
}

const location = (r: Response) => r.headers.get('location') ?? '';

describe('console access layer (two replicas)', () => {
  let stack: Stack;
  let second: ServiceProcess;
  const primary = stackEnv().BATON_CONSOLE_URL;
  const port = Number(new URL(primary).port) + 90;
  const secondary = `http://${stackEnv().BATON_HOST}:${port}`;
  before(async () => {
    stack = await startStack();
    second = await new ServiceProcess('console', {
      env: { BATON_CONSOLE_PORT: String(port), BATON_METRICS_PORT: '0' },
    }).start();
  });
  after(async () => {
    await second?.stop();
    await stack?.close();
  });
  const audit = async () => (await readStream<AuditRecord>(stack.bus, streams.audit)).map((m) => m.value);

  it('locks signing in after five wrong passwords, the right one included, and audits it', async () => {
    // On this file's own replica: a lockout on the shared console would lock the user out of the
    // files after this one for 15 minutes (it did: the Temporal UI sign-in test signs in as vic).
    const visitor = new Visitor(secondary);
    const user = consoleUsers.viewer;
    for (let i = 0; i < 5; i++) {
      const wrong = await visitor.signIn({ username: user.username, password: `wrong-${i}` });
      assert.match(decodeURIComponent(location(wrong)), /Unknown user or wrong password/);
    }
    const locked = await visitor.signIn(user);
    assert.match(
      decodeURIComponent(location(locked)),
      /Too many wrong passwords for vic: signing in is locked for 15 more minute/,
    );
    assert.ok(Number(locked.headers.get('retry-after')) > 800);
    assert.equal((await visitor.request('/inbox')).status, 303, 'still not signed in');

    const records = await waitFor('the refusals on the audit stream', async () => {
      const mine = (await audit()).filter((r) => r.kind === auditKinds.signInRefused && r.actor === user.username);
      return mine.length >= 6 ? mine : undefined;
    });
    assert.ok(
      records.some((r) => r.detail.lockedOut === true),
      'the fifth wrong password is recorded as the lockout',
    );
    assert.ok(
      records.some((r) => r.detail.limited === true),
      'the refused right password is recorded',
    );
  });

  it('shares sessions between replicas and over a restart; a sign-out ends the session on both', async () => {
    const visitor = new Visitor(primary);
    assert.equal(location(await visitor.signIn(consoleUsers.manager)), '/inbox');
    assert.equal((await visitor.request('/inbox')).status, 200);
    assert.equal(
      (await visitor.request('/inbox', { base: secondary })).status,
      200,
      'the other replica knows the session',
    );

    await second.stop();
    await second.start();
    assert.equal(
      (await visitor.request('/inbox', { base: secondary })).status,
      200,
      'a restarted replica still knows it',
    );

    const _csrf = await visitor.csrf('/inbox');
    assert.equal(
      location(await visitor.request('/logout', { method: 'POST', form: { _csrf }, base: secondary })),
      '/login',
    );
    const gone = await visitor.request('/inbox');
    assert.equal(gone.status, 303);
    assert.match(location(gone), /^\/login\?next=/, 'signed out on one replica: signed out on the other');

    const records = await waitFor('sign-in and sign-out on the audit stream', async () => {
      const kinds = new Set(
        (await audit()).filter((r) => r.actor === consoleUsers.manager.username).map((r) => r.kind),
      );
      return kinds.has(auditKinds.signedIn) && kinds.has(auditKinds.signedOut) ? kinds : undefined;
    });
    assert.ok(records.size >= 2);
  });

  it('never redirects off the site after sign-in', async () => {
    for (const next of [
      '/\\evil.example',
      '//evil.example',
      '/\\/evil.example/x',
      'https://evil.example/',
      '/%5Cevil.example',
      '/\tevil',
    ]) {
      const visitor = new Visitor(primary);
      const answer = await visitor.signIn(consoleUsers.host, next);
      const to = location(answer);
      assert.ok(
        to.startsWith('/') && !to.startsWith('//') && !to.includes('\\'),
        `next=${JSON.stringify(next)} went to ${to}`,
      );
      assert.equal(
        new URL(to, primary).origin,
        new URL(primary).origin,
        `next=${JSON.stringify(next)} stays on the site`,
      );
    }
    const kept = await new Visitor(primary).signIn(consoleUsers.host, '/ops?window=24h');
    assert.equal(location(kept), '/ops?window=24h', 'a path on the site is kept');
  });

  it('keeps the operations views and replay for operators, sends security headers and no-store', async () => {
    const host = new Visitor(primary);
    await host.signIn(consoleUsers.host);
    const refused = await host.request('/ops');
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /operator role/);
    const _csrf = await host.csrf('/inbox');
    assert.equal(
      (await host.request('/ops/dead-letters/1/replay', { method: 'POST', form: { _csrf, payload: '{}' } })).status,
      403,
    );

    const operator = new Visitor(primary);
    await operator.signIn(consoleUsers.operator);
    const ops = await operator.request('/ops');
    assert.equal(ops.status, 200);
    const csp = ops.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/);
    assert.equal(ops.headers.get('cache-control'), 'no-store');
    assert.equal(ops.headers.get('x-content-type-options'), 'nosniff');
    assert.equal((await operator.request('/inbox')).headers.get('cache-control'), 'no-store');
  });

  it("takes the CLI's decision only from a signed-in person with a role allowed at the gate", async () => {
    const event = reservationEvent('Table for 2, Thursday 8pm, allergic to mustard');
    const workflowId = String((await postEvent(event)).body.workflowId);
    await waitForState(stack, workflowId, 'Awaiting approval');
    const cli = (user: string, password: string | undefined) =>
      execa(
        'node',
        [
          '--conditions=baton-source',
          '--import',
          'tsx',
          'services/console/src/cli.ts',
          'decide',
          workflowId,
          'approve',
          '--by',
          user,
          '--reason',
          'kitchen briefed',
        ],
        {
          cwd: repoRoot,
          reject: false,
          env: { BATON_CONSOLE_URL: secondary, ...(password ? { BATON_CONSOLE_PASSWORD: password } : {}) },
          timeout: 60_000,
        },
      );
    const noPassword = await cli(consoleUsers.manager.username, undefined);
    assert.notEqual(noPassword.exitCode, 0);
    assert.match(noPassword.stderr, /no password/);
    const wrong = await cli(consoleUsers.manager.username, 'not-the-password');
    assert.match(wrong.stderr, /401 UNAUTHENTICATED/);
    const operator = await cli(consoleUsers.operator.username, consoleUsers.operator.password);
    assert.match(operator.stderr, /403 FORBIDDEN\): otto has none of the roles that may decide this gate now/);
    assert.equal(
      (await waitForState(stack, workflowId, 'Awaiting approval')).state,
      'Awaiting approval',
      'nothing decided yet',
    );

    const manager = await cli(consoleUsers.manager.username, consoleUsers.manager.password);
    assert.equal(manager.exitCode, 0, manager.stderr);
    assert.equal(JSON.parse(manager.stdout).role, 'manager');
    const done = await waitForState(stack, workflowId, 'Confirmed');
    assert.equal(done.decision?.decidedBy, consoleUsers.manager.username);
    assert.equal(done.decision?.role, 'manager', "the role recorded is the account's");
  });
});
