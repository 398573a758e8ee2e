// The console's hardening without a stack: where `next` may lead after sign-in, the lockout
// after wrong passwords, the operator-only views, and the headers every page carries.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import type { Bus } from '@baton/bus';
import { createLogger } from '@baton/telemetry';
import { Registry } from '@baton/workflow-kit';
import { hashPassword } from '../src/web/auth.js';
import { createConsoleServer, safeNext } from '../src/web/server.js';

const host = 'localhost:8344';
const origin = `http://${host}`;
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

async function consoleApp() {
  return createConsoleServer({
    registry: Registry.of([]),
    temporal: {} as Client,
    bus: {} as Bus,
    logger: createLogger('console-test', 'error'),
    metricsTargets: {},
    links: { temporalUi: 'http://t', namespace: 'default', traceUi: 'http://j' },
    auth: {
      users: [
        { username: 'hana', passwordHash: await hashPassword('pw'), roles: ['host'] },
        { username: 'otto', passwordHash: await hashPassword('pw'), roles: ['operator'] },
      ],
      sessionSecret: 'x'.repeat(32),
      sessionTtlMs: 60_000,
      secureCookies: false,
      limits: { lockoutAttempts: 3, lockoutMs: 60_000 },
    },
    trustThreshold: 100,
  });
}

async function signIn(
  app: Awaited<ReturnType<typeof consoleApp>>,
  username: string,
  password: string,
  next = '/inbox',
) {
  const answer = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { origin, host, 'content-type': 'application/x-www-form-urlencoded' },
    payload: form({ username, password, next }),
  });
  return { answer, cookie: String(answer.headers['set-cookie'] ?? '').split(';')[0]! };
}

describe('console hardening', () => {
  it('keeps next on the site', () => {
    for (const bad of [
      '/\\evil.example',
      '/\\/evil.example',
      '//evil.example',
      'https://evil.example',
      'evil.example',
      '/\tx',
      '/%0d%0a',
      '',
    ]) {
      const to = safeNext(bad);
      assert.ok(to.startsWith('/') && !to.startsWith('//') && !to.includes('\\'), `${JSON.stringify(bad)} -> ${to}`);
      assert.equal(new URL(to, 'http://site.example').host, 'site.example');
    }
    assert.equal(safeNext('/gates/wf-1?x=1#top'), '/gates/wf-1?x=1#top');
    assert.equal(safeNext('/\\evil.example'), '/inbox');
    // The Temporal UI's origin, when named, is kept whole (its sign-in is the console's); no other.
    const ui = ['http://127.0.0.1:8333'];
    assert.equal(
      safeNext('http://127.0.0.1:8333/namespaces/default/workflows?q=1', ui),
      'http://127.0.0.1:8333/namespaces/default/workflows?q=1',
    );
    for (const bad of [
      'http://127.0.0.1:8334/x',
      'https://127.0.0.1:8333/x',
      'http://127.0.0.1:8333.evil.example/',
      'http://user@evil.example/',
    ])
      assert.equal(safeNext(bad, ui), '/inbox', bad);
    assert.equal(safeNext('http://127.0.0.1:8333/x'), '/inbox', 'not without the origin named');
  });

  it('locks a user out after wrong passwords, the right one included', async () => {
    const app = await consoleApp();
    for (let i = 0; i < 3; i++)
      assert.match(
        decodeURIComponent(String((await signIn(app, 'hana', 'nope')).answer.headers.location)),
        /wrong password/,
      );
    const locked = (await signIn(app, 'hana', 'pw')).answer;
    assert.match(
      decodeURIComponent(String(locked.headers.location)),
      /Too many wrong passwords for hana: signing in is locked/,
    );
    assert.match(
      decodeURIComponent(String((await signIn(app, 'otto', 'pw')).answer.headers.location)),
      /^\/inbox$/,
      'another user is not locked',
    );
    await app.close();
  });

  it('keeps /ops for operators and sends the security headers', async () => {
    const app = await consoleApp();
    const hana = await signIn(app, 'hana', 'pw');
    const refused = await app.inject({ method: 'GET', url: '/ops', headers: { cookie: hana.cookie } });
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /operator role/);
    const login = await app.inject({ method: 'GET', url: '/login' });
    assert.match(String(login.headers['content-security-policy']), /script-src 'self';/);
    assert.equal(login.headers['cache-control'], 'no-store');
    assert.equal(login.headers['referrer-policy'], 'same-origin');
    assert.equal(login.headers['x-frame-options'], 'SAMEORIGIN');
    await app.close();
  });
});
