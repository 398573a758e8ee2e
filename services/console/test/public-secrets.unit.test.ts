// No secret value the repository holds is accepted by a service: every literal a deployment or
// document file commits under a secret's name is one the loaders refuse (packages/contracts
// public-secrets.ts), and each loader refuses the examples earlier versions of the deployment
// files published: the payload key, the task seal key (variable and file), the session secret,
// the console users' password hashes and the accounting simulator's webhook secret.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { configFields, isPublicSecret } from '@baton/contracts';
import { parsePayloadKeys } from '@baton/temporal-codec';
import { ConsoleUsersField } from '../src/web/auth.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

// Published by earlier versions of docker-compose.yml, infra/docker and infra/k8s (git history).
const published = {
  payloadKey: 'RVhBTVBMRS1PTkxZLW5vdC1hLXNlY3JldC1rZXkhISE=',
  sealKey: 'example-only-task-seal-key-change-me-0123456789',
  sessionSecret: 'example-only-session-secret-change-me-0123456789',
  webhookSecret: 'example-only-accounting-webhook-secret-change-me',
  passwordHash: 'scrypt$32768$8$1$cIBiE8IQ0zEQkKsNpbvGHA==$0kW4Q1FBTxKPCltJuzxFjenfn3NYcZaEyQHQtHSZQ+U=',
};

/** Every literal value the committed deployment and document files give a secret. */
function committedSecretValues(): Array<{ file: string; value: string }> {
  const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((f) =>
      /^(docker-compose[^/]*\.ya?ml|infra\/.*\.(ya?ml|json|conf|md|env)|[^/]*\.md|docs\/.*\.md|.*\.env(\..*)?)$/.test(
        f,
      ),
    );
  const patterns = [
    // KEY: value / KEY=value, for a variable named as a secret (not an interpolation or a path).
    /\b((?:BATON_[A-Z0-9_]*(?:SECRET|PASSWORD|KEY|KEYS|TOKEN))|POSTGRES_PASSWORD)\b["']?\s*[:=]\s*["']?(?![$/.<{])([^\s"',}]{8,})/g,
    // A JSON or YAML password hash or key.
    /["']?(?:passwordHash|key|secret|session-secret|task-seal-key)["']?\s*:\s*["']([A-Za-z0-9+/=$_.-]{16,})["']/g,
  ];
  const found: Array<{ file: string; value: string }> = [];
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const pattern of patterns)
      for (const m of text.matchAll(pattern)) found.push({ file, value: m[m.length - 1]! });
  }
  // A placeholder (`sk-ant-...`, `<32 bytes base64>`) is no value.
  return found.filter(({ value }) => !/\.\.\.$|…|^<|>$/.test(value));
}

describe('secrets in the repository', () => {
  it('commits no secret value a service would accept', () => {
    const accepted = committedSecretValues().filter(({ value }) => !isPublicSecret(value));
    assert.deepEqual(
      accepted.map((a) => `${a.file}: ${a.value.slice(0, 6)}…`),
      [],
      'a committed secret that a service would take: remove it, or generate it at the first start',
    );
  });

  it('is refused by every loader: payload keys, the seal key file, console password hashes', () => {
    assert.throws(
      () => parsePayloadKeys(JSON.stringify([{ id: 'k1', key: published.payloadKey }]), 'BATON_PAYLOAD_KEYS'),
      /published in the Baton repository/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'baton-public-'));
    writeFileSync(join(dir, 'seal.key'), published.sealKey);
    const sealFile = configFields.secretFile('a task seal key', /^\S{32,}$/).safeParse(join(dir, 'seal.key'));
    assert.equal(sealFile.success, false);
    assert.match(JSON.stringify(sealFile.error?.issues), /published in the Baton repository/);
    const users = ConsoleUsersField.safeParse(
      JSON.stringify([{ username: 'mia', roles: ['manager'], passwordHash: published.passwordHash }]),
    );
    assert.equal(users.success, false);
    assert.match(JSON.stringify(users.error?.issues), /published in the Baton repository/);
  });

  it('stops the orchestrator, the console and the accounting simulator at start (exit 78), naming the variable', async () => {
    const run = (service: string, env: Record<string, string>) =>
      new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const child = execFile(
          process.execPath,
          ['--conditions=baton-source', '--import', 'tsx', join(root, 'services', service, 'src', 'main.ts')],
          {
            cwd: root,
            env: {
              PATH: process.env.PATH ?? '',
              BATON_LOG_LEVEL: 'error',
              BATON_PAYLOAD_KEYS: JSON.stringify([{ id: 'k1', key: Buffer.alloc(32, 7).toString('base64') }]),
              ...env,
            },
            encoding: 'utf8',
            timeout: 60_000,
          },
          (_err, _stdout, stderr) => resolve({ status: child.exitCode, stderr }),
        );
      });
    const cases = [
      ['orchestrator', 'BATON_TASK_SEAL_KEY', published.sealKey],
      ['console', 'BATON_CONSOLE_SESSION_SECRET', published.sessionSecret],
      ['accounting-sim', 'BATON_ACCOUNTING_WEBHOOK_SECRET', published.webhookSecret],
    ] as const;
    const results = await Promise.all(cases.map(([service, variable, value]) => run(service, { [variable]: value })));
    for (const [i, [service, variable, value]] of cases.entries()) {
      const result = results[i]!;
      assert.equal(result.status, 78, `${service}: ${result.stderr}`);
      assert.match(result.stderr, new RegExp(`${variable}.*published in the Baton repository`));
      assert.ok(!result.stderr.includes(value), 'the value is never shown');
    }
  });
});
