// The Temporal SDK's logging, through the service's own pino logger: one JSON object per line,
// like every other line a service writes. Without this the SDK's DefaultLogger prints its entries
// (an activity that failed, a workflow that failed, with the error's stack and the metadata
// pretty-printed over many lines) and the Rust core prints its own lines in its own format; no
// log tool reads either. Every service that runs a Temporal worker installs the SDK's Runtime here
// once, before it opens any connection (the Runtime is a process-wide singleton, and a connection
// made first installs the default one).
//
// @temporalio/worker (native code) is loaded only when a runtime is installed, so the services
// that only use a Temporal client never load it by importing @baton/telemetry.
import { createRequire } from 'node:module';
import type { Logger as PinoLogger } from 'pino';
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';

const require = createRequire(import.meta.url);

const pinoLevels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** An error as plain fields (pino's own serializer does this only for the key `err`). */
function serializeError(error: Error): Record<string, unknown> {
  const pino = require('pino') as typeof import('pino');
  return pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
}

/** The SDK's metadata as log fields: symbol keys (the SDK's own timestamp) dropped, errors as
 *  fields (JSON.stringify would write an Error as `{}`). */
function fieldsOf(meta: LogMetadata | undefined): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (!meta) return fields;
  for (const [key, value] of Object.entries(meta)) fields[key] = value instanceof Error ? serializeError(value) : value;
  return fields;
}

/** A Temporal SDK Logger that writes through `logger` (tagged `logger: "temporal"`). */
export function temporalLogger(logger: PinoLogger): TemporalLogger {
  const child = logger.child({ logger: 'temporal' });
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => {
    child[pinoLevels[level] ?? 'info'](fieldsOf(meta), message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

/** The level the Rust core logs at for a service logging at `level`: its info lines are noise
 *  for an operator, so at most WARN unless the service logs at debug or trace. */
function coreLevel(level: string): LogLevel {
  if (level === 'trace') return 'TRACE';
  if (level === 'debug') return 'DEBUG';
  if (level === 'error' || level === 'fatal' || level === 'silent') return 'ERROR';
  return 'WARN';
}

export interface TemporalRuntimeLogging {
  /** The SDK logger, also for the workflow bundler (`bundleWorkflowCode({ logger })`). */
  logger: TemporalLogger;
  /** Writes out what the runtime still buffers (forwarded lines wait up to 100 ms to be put in
   *  order): call it last at shutdown, or the last lines are lost at exit. */
  flush(): void;
}

/**
 * Installs the SDK's Runtime with `logger` (as JSON lines) and the core's native log lines
 * forwarded to it. Call once per process, before any NativeConnection or Worker is made; it
 * throws if a runtime is already installed (a connection made first installed the default one).
 */
export function installTemporalRuntime(logger: PinoLogger): TemporalRuntimeLogging {
  const { Runtime } = require('@temporalio/worker') as typeof import('@temporalio/worker');
  const sdkLogger = temporalLogger(logger);
  const runtime = Runtime.install({
    logger: sdkLogger,
    telemetryOptions: { logging: { filter: { core: coreLevel(logger.level), other: 'ERROR' }, forward: {} } },
  });
  return { logger: sdkLogger, flush: () => runtime.flushLogs() };
}
