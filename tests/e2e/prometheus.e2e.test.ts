// Prometheus on the local stack (infra/stack.sh): it scrapes every Baton service the test kit
// starts, at the metrics port the kit gives it, and the Temporal server; what the services count
// is queryable there.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ALL_SERVICES, postEvent, reservationEvent, stackEnv, waitFor } from '@baton/testkit';
import { startStack, waitForState, type Stack } from './support.js';

interface Target {
  labels: Record<string, string>;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

async function prometheus<T>(path: string): Promise<T> {
  const res = await fetch(`${stackEnv().BATON_PROMETHEUS_URL}${path}`, { signal: AbortSignal.timeout(10_000) });
  assert.equal(res.status, 200, `GET ${path}`);
  const body = (await res.json()) as { status: string; data: T };
  assert.equal(body.status, 'success');
  return body.data;
}

describe('Prometheus on the local stack', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ workflows: 'all' });
  });
  after(async () => {
    await stack?.close();
  });

  it("has every service's target and Temporal's up, and holds what the services count", async () => {
    let down: string[] = [];
    await waitFor(
      'every target up',
      async () => {
        const { activeTargets } = await prometheus<{ activeTargets: Target[] }>('/api/v1/targets');
        const health = new Map(activeTargets.map((t) => [t.labels.service ?? t.labels.job ?? '', t]));
        down = [...ALL_SERVICES, 'temporal']
          .filter((s) => health.get(s)?.health !== 'up')
          .map((s) => `${s} (${health.get(s)?.lastError || health.get(s)?.health || 'no target'})`);
        return down.length === 0 || undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    ).catch((err: unknown) => assert.fail(`${(err as Error).message}; not up: ${down.join(', ')}`));

    const workflowId = String((await postEvent(reservationEvent('Table for 2, Monday 1pm'))).body.workflowId);
    await waitForState(stack, workflowId, 'Confirmed');
    const started = await waitFor("the gateway's started counter in Prometheus", async () => {
      const { result } = await prometheus<{
        result: Array<{ metric: Record<string, string>; value: [number, string] }>;
      }>(`/api/v1/query?query=${encodeURIComponent('sum(baton_workflows_started_total{service="gateway"})')}`);
      const value = Number(result[0]?.value[1] ?? 0);
      return value >= 1 ? value : undefined;
    });
    assert.ok(started >= 1);
  });
});
