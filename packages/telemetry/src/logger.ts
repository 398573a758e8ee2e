// Structured logs: one JSON object per line, tagged with the service; inside a span the
// OpenTelemetry pino instrumentation adds traceId, spanId and traceFlags (see tracing.ts).
//
// pino is loaded when a logger is made, not when this module is: startTelemetry, which every
// service calls before createLogger, has by then installed the instrumentation, and only a pino
// obtained after that is instrumented.
import { createRequire } from 'node:module';
import type { DestinationStream, Logger } from 'pino';
import { hostedService, type HostedService } from '@baton/contracts';

export type { Logger } from 'pino';

const require = createRequire(import.meta.url);

/** One open log file per hosted service, shared by its loggers. */
const hostedDestinations = new WeakMap<HostedService, DestinationStream>();

export function createLogger(service: string, level = 'info'): Logger {
  const pino = require('pino') as typeof import('pino');
  const options = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  // A service hosted with others (@baton/contracts hosting.ts) writes to its own file, so its
  // lines stay apart from theirs as they would in a process of its own.
  const hosted = hostedService();
  if (!hosted) return pino(options);
  let destination = hostedDestinations.get(hosted);
  if (!destination)
    hostedDestinations.set(
      hosted,
      (destination = pino.destination({ dest: hosted.logFile, append: true, mkdir: true, sync: true })),
    );
  return pino(options, destination);
}
