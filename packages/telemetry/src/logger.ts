// Structured logs: one JSON object per line, tagged with the service; inside a span the
// OpenTelemetry pino instrumentation adds traceId, spanId and traceFlags (see tracing.ts).
//
// pino is loaded when a logger is made, not when this module is: startTelemetry, which every
// service calls before createLogger, has by then installed the instrumentation, and only a pino
// obtained after that is instrumented.
import { createRequire } from 'node:module';
import type { Logger } from 'pino';

export type { Logger } from 'pino';

const require = createRequire(import.meta.url);

export function createLogger(service: string, level = 'info'): Logger {
  const pino = require('pino') as typeof import('pino');
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
