// The trace UI of the local stack (Zipkin's server, fed by every service's OpenTelemetry SDK) in
// real headless Chromium: one reservation's trace page, as the demo links it, shows spans of every
// service on the path, and the console's trace link finds that trace. A screenshot of the trace
// page is kept in the state folder (screenshots/trace.png).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { newTraceparent, postEvent, reservationEvent, stackEnv, waitFor } from '@baton/testkit';
import { waitForState } from '../e2e/support.js';
import { browserSession } from './support.js';

const PATH = [
  'gateway',
  'orchestrator',
  'agent-intake',
  'agent-availability',
  'agent-safety',
  'agent-payment',
  'agent-booking',
  'agent-notifier',
  'pos-sim',
  'payment-sim',
  'messaging-sim',
];

interface ZipkinSpan {
  traceId: string;
  name?: string;
  localEndpoint?: { serviceName?: string };
}

async function zipkinTrace(traceId: string): Promise<ZipkinSpan[] | undefined> {
  const res = await fetch(`${stackEnv().BATON_ZIPKIN_URL}/zipkin/api/v2/trace/${traceId}`, {
    signal: AbortSignal.timeout(10_000),
  });
  return res.ok ? ((await res.json()) as ZipkinSpan[]) : undefined;
}

describe('trace UI (Zipkin, headless Chromium)', () => {
  const session = browserSession();

  it("opens a reservation's trace and shows spans from every service on its path", async () => {
    const { traceparent, traceId } = newTraceparent();
    const answer = await postEvent(reservationEvent('Table for 2, Sunday 1pm'), { traceparent });
    await waitForState(session.stack, String(answer.body.workflowId), 'Confirmed');

    // Spans arrive in batches from each service: wait until Zipkin holds every service's.
    let missing: string[] = PATH;
    const spans = await waitFor(
      'spans of every service in Zipkin',
      async () => {
        const found = await zipkinTrace(traceId);
        const services = new Set(found?.map((s) => s.localEndpoint?.serviceName));
        missing = PATH.filter((s) => !services.has(s));
        return found && missing.length === 0 ? found : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    ).catch((err: unknown) => assert.fail(`${(err as Error).message}; still missing: ${missing.join(', ')}`));
    assert.ok(spans.every((s) => s.traceId === traceId));

    // The page the demo prints for this request. The span list draws only the rows in view: a
    // tall window holds them all.
    const page = await (
      await session.browser.newContext({ viewport: { width: 1600, height: 26 * spans.length + 600 } })
    ).newPage();
    await page.goto(`${stackEnv().BATON_ZIPKIN_URL}/zipkin/traces/${traceId}`);
    await page.getByText('agent-notifier: process baton.task.notifier').first().waitFor({ timeout: 30_000 });
    const text = await page.locator('body').innerText();
    assert.match(text, new RegExp(`Services\\s*${PATH.length}\\b`), 'the summary counts every service');
    // Late spans (the last result's bridge span) may arrive between the API read and the page.
    assert.ok(
      Number(/Total Spans\s*(\d+)/.exec(text)?.[1]) >= spans.length,
      'the summary counts every span Zipkin held',
    );
    for (const service of PATH) assert.ok(text.includes(`${service}: `), `the trace page has spans of ${service}`);
    assert.ok(
      text.includes('agent-booking: process baton.task.booking'),
      "the booking agent's consumer span is on the page",
    );
    const dir = join(stackEnv().stateDir, 'screenshots');
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, 'trace.png'), fullPage: true });

    // The console's trace link is Zipkin's search by the workflow id (baton.workflow.id); the same
    // query through Zipkin's API finds this trace.
    const workflowId = String(answer.body.workflowId);
    const found = (await (
      await fetch(
        `${stackEnv().BATON_ZIPKIN_URL}/zipkin/api/v2/traces?${new URLSearchParams({ annotationQuery: `baton.workflow.id=${workflowId}`, lookback: String(7 * 24 * 3600_000), limit: '10' })}`,
      )
    ).json()) as ZipkinSpan[][];
    assert.ok(
      found.some((t) => t[0]?.traceId === traceId),
      'a search by the workflow id finds the trace',
    );
  });
});
