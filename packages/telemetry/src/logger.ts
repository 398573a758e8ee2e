// Structured logs: one JSON object per line, tagged with the service and the active trace id.
import pino, { type Logger } from 'pino';
import { currentTraceId } from './tracing.js';

export type { Logger } from 'pino';

export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => {
      const traceId = currentTraceId();
      return traceId ? { traceId } : {};
    },
  });
}
