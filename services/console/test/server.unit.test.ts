// The console's access rules without a stack: no page without signing in, no form without its
// CSRF token once signed in (the sign-in form needs none: same-origin check), and a session that ends after its
// lifetime.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import type { Bus } from '@baton/bus';
import { createLogger } from '@baton/telemetry';
import { Registry } from '@baton/workflow-kit';
import { hashPassword } from '../src/web/auth.js';
import { createConsoleServer } from '../src/web/server.js';

// Only the gate page's query is reached: it fails, and the console sends a signed-in person back
// to the inbox (an anonymous one goes to the sign-in page first).
const temporal = {
  workflow: { getHandle: () => ({ query: async () => Promise.reject(new Error('no such workflow')) }) },
} as unknown as Client;

async function consoleWith(sessionTtlMs: number) {
  return createConsoleServer({
    registry: Registry.of([]),
    temporal,
    bus: {} as Bus,
    logger: createLogger('console-test', 'error'),
    metricsTargets: {},
    links: { temporalUi: 'http://t', namespace: 'default', traceUi: 'http://j' },
    auth: {
      users: [{ username: 'mia', passwordHash: await hashPassword('pw'), roles: ['manager'] }],
      sessionSecret: 'x'.repeat(32),
      sessionTtlMs,
      secureCookies: false,
    },
    trustThreshold: 100,
  });
}

const origin = 'http://localhost:8344';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

async function signIn(app: Awaited<ReturnType<typeof consoleWith>>, password = 'pw') {
  const page = await app.inject({ method: 'GET', url: '/login' });
  assert.equal(
    page.headers['set-cookie'],
    undefined,
    'the sign-in form starts no session (an anonymous visit writes nothing)',
  );
  assert.doesNotMatch(page.body, /name="_csrf"/, 'and carries no session-bound token');
  const answer = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { origin, host: 'localhost:8344', 'content-type': 'application/x-www-form-urlencoded' },
    payload: form({ username: 'mia', password, next: '/inbox' }),
  });
  const cookie = String(answer.headers['set-cookie'] ?? '').split(';')[0]!;
  const inbox = await app.inject({ method: 'GET', url: '/inbox', headers: { cookie } });
  const token = /name="_csrf" value="([^"]+)"/.exec(inbox.body)?.[1];
  return { answer, cookie: String(inbox.headers['set-cookie'] ?? cookie).split(';')[0]!, token };
}

describe('console access', () => {
  it('sends an anonymous visitor to sign in, and refuses an anonymous POST', async () => {
    const app = await consoleWith(60_000);
    const page = await app.inject({ method: 'GET', url: '/gates/wf-1' });
    assert.equal(page.statusCode, 303);
    assert.equal(page.headers.location, '/login?next=%2Fgates%2Fwf-1');
    const post = await app.inject({
      method: 'POST',
      url: '/gates/wf-1/decide',
      headers: { origin, host: 'localhost:8344', 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ decision: 'approve' }),
    });
    assert.equal(post.statusCode, 401);
    await app.close();
  });

  it('refuses a cross-site sign-in (the stateless guard of the token-less form), or a wrong password', async () => {
    const app = await consoleWith(60_000);
    const crossSite = await app.inject({
      method: 'POST',
      url: '/login',
      headers: {
        origin: 'https://evil.example',
        host: 'localhost:8344',
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: form({ username: 'mia', password: 'pw' }),
    });
    assert.equal(crossSite.statusCode, 403);
    const noOrigin = await app.inject({
      method: 'POST',
      url: '/login',
      headers: { host: 'localhost:8344', 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ username: 'mia', password: 'pw' }),
    });
    assert.equal(noOrigin.statusCode, 403);
    const wrong = await signIn(app, 'nope');
    assert.equal(wrong.answer.statusCode, 303);
    assert.match(String(wrong.answer.headers.location), /^\/login\?error=/);
    await app.close();
  });

  it('signs in, and the session ends after its lifetime', async () => {
    const app = await consoleWith(1_000);
    const { answer, cookie } = await signIn(app);
    assert.equal(answer.headers.location, '/inbox');
    assert.match(String(answer.headers['set-cookie']), /HttpOnly; SameSite=Strict/);
    const signedIn = await app.inject({ method: 'GET', url: '/gates/wf-1', headers: { cookie } });
    assert.match(String(signedIn.headers.location), /^\/inbox\?error=/, 'signed in: the gate page is reached');
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const expired = await app.inject({ method: 'GET', url: '/gates/wf-1', headers: { cookie } });
    assert.equal(expired.headers.location, '/login?next=%2Fgates%2Fwf-1');
    await app.close();
  });
});
