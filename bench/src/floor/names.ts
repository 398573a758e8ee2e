// Names the floor worker and the bench driver agree on by import.
export const floorNames = {
  /** Task queue of the floor's Temporal worker: never the orchestrator's. */
  taskQueue: 'baton-bench-floor',
  workflowType: 'floorChainWorkflow',
  /** Core NATS request-reply echo, answered by the floor worker process. */
  echoSubject: 'bench.floor.echo',
  /** A file-backed stream like Baton's own, for the publish-with-ack floor. */
  stream: 'BENCH_FLOOR',
  streamSubject: 'bench.floor.js',
} as const;
