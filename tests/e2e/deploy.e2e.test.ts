// The deployment files are checked by the real tools wherever this machine has them:
// docker-compose.yml by `docker compose config`, infra/k8s by kustomize and the Kubernetes schema,
// the Helm values as YAML (infra/check-deploy.sh; a missing tool is reported and skipped).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { execa } from 'execa';
import { repoRoot } from '@baton/testkit';

describe('deployment files', () => {
  it('docker-compose.yml, infra/k8s and the Helm values pass infra/check-deploy.sh', async () => {
    const result = await execa('bash', [join(repoRoot, 'infra', 'check-deploy.sh')], {
      reject: false,
      timeout: 300_000,
      all: true,
    });
    const lines = `${result.all ?? ''}`.split('\n').filter(Boolean);
    for (const line of lines) console.log(`  ${line}`);
    assert.equal(result.exitCode, 0, `infra/check-deploy.sh failed:\n${result.all}`);
    assert.ok(!lines.some((l) => l.includes('ERROR')), 'no check reported an error');
    assert.ok(
      lines.some((l) => l.startsWith('compose:')) && lines.some((l) => l.startsWith('k8s:')),
      'both checks ran or said why not',
    );
  });
});
