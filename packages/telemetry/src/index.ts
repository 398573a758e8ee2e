export * from './tracing.js';
export * from './logger.js';
export * from './temporal.js';
export * from './temporal-runtime.js';
export * from './shutdown.js';
export * from './metrics.js';
export { parsePrometheus, sumOf, scrape, type Sample } from './prometheus.js';
export {
  TRACE_HEADER,
  contextFromHeaders,
  type BatonTracingSinks,
  type WorkflowSpanData,
} from './workflow-interceptors.js';
