// The one-backend rule of startTelemetry (packages/telemetry/src/tracing.ts): a span is exported
// once, to the OTLP collector when BATON_OTLP_ENDPOINT is set, else to Zipkin, else nowhere.
// Both backends are one local HTTP server here that records the paths it is sent spans on.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { NoopSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { traceExportProcessor } from '../src/tracing.js';

describe('trace export: one backend per process', () => {
  let server: Server;
  let base = '';
  const received: string[] = [];
  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push(req.url ?? '');
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  /** Ends one span through the processor the options pick, flushes, and returns the paths the backend was sent. */
  async function exportOne(options: { otlpEndpoint?: string; zipkinUrl?: string }): Promise<string[]> {
    received.length = 0;
    const processor = traceExportProcessor({
      serviceName: 'export-test',
      otlpEndpoint: options.otlpEndpoint,
      zipkinUrl: options.zipkinUrl,
    });
    new TracerProvider({ spanProcessors: [processor] }).getTracer('test').startSpan('one span').end();
    await processor.forceFlush();
    await processor.shutdown();
    return [...received];
  }

  it('sends every span to Zipkin alone when only Zipkin is configured (the local stack)', async () => {
    assert.deepEqual(await exportOne({ zipkinUrl: base }), ['/api/v2/spans']);
  });

  it('sends every span to the OTLP collector alone when both are configured', async () => {
    assert.deepEqual(await exportOne({ otlpEndpoint: base, zipkinUrl: base }), ['/v1/traces']);
  });

  it('exports nothing without a backend', () => {
    assert.ok(
      traceExportProcessor({ serviceName: 'export-test', otlpEndpoint: undefined }) instanceof NoopSpanProcessor,
    );
  });
});
