// The operations page's charts in real headless Chromium: success rate and step latency over
// time, drawn by uPlot from the history Prometheus (the local stack's) keeps of the services'
// metrics, with no inline script on the page. A screenshot is kept in the state folder
// (screenshots/ops-charts.png).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { consoleUsers, postEvent, reservationEvent, stackEnv, waitFor } from '@baton/testkit';
import { waitForState } from '../e2e/support.js';
import { browserSession, signedInPage } from './support.js';

async function promValue(query: string): Promise<number | undefined> {
  const res = await fetch(`${stackEnv().BATON_PROMETHEUS_URL}/api/v1/query?query=${encodeURIComponent(query)}`, {
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as { data?: { result?: Array<{ value: [number, string] }> } };
  const v = body.data?.result?.[0]?.value[1];
  return v === undefined ? undefined : Number(v);
}

interface ChartSeries {
  label: string;
  values: Array<number | null>;
}

describe('operations charts (headless Chromium)', () => {
  const session = browserSession();

  it("draws success rate and step latency over time from Prometheus' history", async () => {
    const book = async (text: string) =>
      waitForState(session.stack, String((await postEvent(reservationEvent(text))).body.workflowId), 'Confirmed');
    // Prometheus sees a rise only between two scrapes of a series: one booking creates the
    // series, the next ones move them. Each service is a target of its own, found when Prometheus
    // re-reads its target file: the next bookings wait until both series have been scraped once
    // (a target found after all three had the booking agent's count start at 3 and never rise).
    await book('Table for 2, Monday 5pm');
    const first = await waitFor(
      'the first outcome in Prometheus',
      () => promValue('sum(baton_workflows_ended_total{baton_workflow_type="reservation"})'),
      { timeoutMs: 30_000 },
    );
    await waitFor(
      "the booking agent's first count in Prometheus",
      () => promValue('sum(baton_agent_task_duration_seconds_count{baton_agent="booking"})'),
      { timeoutMs: 60_000 },
    );
    await book('Table for 3, Monday 5:30pm');
    await book('Table for 4, Monday 6pm');
    await waitFor(
      'the later outcomes in Prometheus',
      async () =>
        ((await promValue('sum(baton_workflows_ended_total{baton_workflow_type="reservation"})')) ?? 0) >= first + 2 ||
        undefined,
      { timeoutMs: 30_000 },
    );

    // The latency chart draws a rate: it needs two scrapes of the booking agent's histogram.
    await waitFor(
      "the booking agent's latency in Prometheus",
      async () =>
        ((await promValue('sum(rate(baton_agent_task_duration_seconds_count{baton_agent="booking"}[15m]))')) ?? 0) >
          0 || undefined,
      { timeoutMs: 30_000 },
    );
    const page = await signedInPage(session.browser, consoleUsers.operator);
    await page.setViewportSize({ width: 1280, height: 1800 });
    await page.goto(`${stackEnv().BATON_CONSOLE_URL}/ops?window=15m`);
    await page.locator('#charts[data-ready="true"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline script');
    assert.equal(await page.locator('#chart-success canvas').count(), 1, 'a success-rate chart');
    assert.equal(await page.locator('#chart-latency canvas').count(), 1, 'a step-latency chart');
    assert.ok(
      (await page.locator('#chart-success').innerText()).includes('reservation'),
      'the success chart has a series per workflow type',
    );
    assert.ok(
      (await page.locator('#chart-latency').innerText()).includes('booking'),
      'the latency chart has a series per agent',
    );

    // What the charts drew: points with values, within their ranges.
    const series = (await page.evaluate(async () => (await fetch('/ops/series?window=15m')).json())) as {
      timestamps: number[];
      success: ChartSeries[];
      latencyP95: ChartSeries[];
    };
    const points = (s: ChartSeries | undefined) => (s?.values ?? []).filter((v): v is number => v !== null);
    const success = points(series.success.find((s) => s.label === 'reservation'));
    assert.ok(
      success.length > 0 && success.every((v) => v >= 0 && v <= 100),
      `success rate points in 0..100 %: ${success.join(', ')}`,
    );
    const latency = points(series.latencyP95.find((s) => s.label === 'booking'));
    assert.ok(
      latency.length > 0 && latency.every((v) => v > 0),
      `booking p95 points above 0 ms: ${latency.join(', ')}`,
    );

    const dir = join(stackEnv().stateDir, 'screenshots');
    mkdirSync(dir, { recursive: true });
    await page.locator('#charts').screenshot({ path: join(dir, 'ops-charts.png') });
  });
});
