// Two services hosted in one process (@baton/contracts hosting.ts, packages/telemetry hosted.ts)
// stay apart: each reads its own settings, its spans (its own and those of the HTTP
// instrumentation, on either side of a request from one to the other) carry its own service name,
// its log lines land in its own file, and its shutdown steps go to its host. The trace backend is
// a local HTTP server that keeps what it is sent in Zipkin's JSON. An integration test, in a
// process of its own: startTelemetry installs process-wide OpenTelemetry state.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { trace } from '@opentelemetry/api';
import { z } from 'zod';
import { loadConfig, runHosted, serviceEnv, type HostedService } from '@baton/contracts';
import { createLogger, onShutdown, startTelemetry, type Telemetry } from '../src/index.js';

interface ZipkinSpan {
  name: string;
  kind?: string;
  localEndpoint?: { serviceName?: string };
}

describe('services hosted in one process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-hosting-'));
  let zipkin: Server;
  let zipkinUrl = '';
  const spans: ZipkinSpan[] = [];
  const service = (name: string, value: string): HostedService => ({
    name,
    env: { ...process.env, BATON_HOSTING_TEST_VALUE: value },
    logFile: join(dir, `${name}.log`),
    closers: [],
  });
  const agent = service('agent-a', 'from a');
  const sim = service('sim-b', 'from b');
  const telemetry: Telemetry[] = [];

  before(async () => {
    zipkin = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        spans.push(...(JSON.parse(body) as ZipkinSpan[]));
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => zipkin.listen(0, '127.0.0.1', resolve));
    zipkinUrl = `http://127.0.0.1:${(zipkin.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => zipkin.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps settings, spans, logs and shutdown steps per service', async () => {
    const Settings = z.object({ BATON_HOSTING_TEST_VALUE: z.string() });
    let simUrl = '';
    let simServer: Server | undefined;
    // The simulator: an HTTP server started inside its scope, as a hosted simulator's is.
    await runHosted(sim, async () => {
      assert.equal(loadConfig(Settings).BATON_HOSTING_TEST_VALUE, 'from b');
      telemetry.push(startTelemetry({ serviceName: 'sim-b', otlpEndpoint: undefined, zipkinUrl }));
      createLogger('sim-b').info('hello from b');
      onShutdown(createLogger('sim-b'), [async () => simServer?.close()]);
      const server = createServer((_req, res) => res.end('ok'));
      simServer = server;
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      simUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/records`;
      trace.getTracer('library').startSpan('work in b').end();
    });
    // The agent: its own span, then a request to the simulator.
    await runHosted(agent, async () => {
      assert.equal(loadConfig(Settings).BATON_HOSTING_TEST_VALUE, 'from a');
      telemetry.push(startTelemetry({ serviceName: 'agent-a', otlpEndpoint: undefined, zipkinUrl }));
      createLogger('agent-a').info('hello from a');
      trace.getTracer('library').startSpan('work in a').end();
      assert.equal(await (await fetch(simUrl, { signal: AbortSignal.timeout(5_000) })).text(), 'ok');
    });
    assert.equal(serviceEnv(), process.env, 'outside every scope the process environment is read');

    await Promise.all(telemetry.map((t) => t.shutdown())); // flushes each service's spans
    const serviceOf = (name: string, kind?: string) =>
      spans.find((s) => s.name === name && (kind === undefined || s.kind === kind))?.localEndpoint?.serviceName;
    assert.equal(serviceOf('work in a'), 'agent-a');
    assert.equal(serviceOf('work in b'), 'sim-b');
    assert.equal(serviceOf('GET', 'CLIENT'), 'agent-a', "the outgoing request is the agent's");
    assert.equal(serviceOf('GET', 'SERVER'), 'sim-b', "the incoming request is the simulator's");

    const agentLog = readFileSync(agent.logFile, 'utf8');
    const simLog = readFileSync(sim.logFile, 'utf8');
    assert.match(agentLog, /"service":"agent-a".*"msg":"hello from a"/);
    assert.match(simLog, /"service":"sim-b".*"msg":"hello from b"/);
    assert.doesNotMatch(agentLog, /hello from b/);
    assert.doesNotMatch(simLog, /hello from a/);

    assert.equal(sim.closers.length, 1, 'the shutdown step went to the host, not to a signal handler');
    assert.equal(process.listenerCount('SIGTERM'), 0);
    await sim.closers[0]!();
  });
});
