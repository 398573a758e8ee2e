// Baton's metric instruments, named once. Prometheus sees dots as underscores and `_total` on
// counters (baton_workflows_started_total). Units are part of the names where they matter
// (baton_agent_task_duration_seconds_bucket) because this exporter version does not add them.
// Instruments are made on first use, after startTelemetry has installed the meter provider.
import { metrics, type Meter } from '@opentelemetry/api';

function create(meter: Meter) {
  return {
    workflowsStarted: meter.createCounter('baton.workflows.started', {
      description: 'Workflows started by the gateway, per workflow type',
    }),
    workflowsEnded: meter.createCounter('baton.workflows.ended', {
      description:
        'Workflows that reached a terminal state, per workflow type and outcome (confirmed, declined, expired, compensated, failed)',
    }),
    workflowsEscalated: meter.createCounter('baton.workflows.escalated', {
      description: 'Problems a workflow handed to a person, per workflow type',
    }),
    workflowsStuck: meter.createCounter('baton.workflows.stuck', {
      description: 'Workflows that stayed in one state past its limit, per workflow type and state',
    }),
    eventsReceived: meter.createCounter('baton.events.received', {
      description: 'Inbound events, per type and outcome (started, duplicate, dead_lettered)',
    }),
    deadLetters: meter.createCounter('baton.dead_letters', {
      description: 'Messages sent to the dead-letter stream, per refusing component',
    }),
    deadLettersQuarantined: meter.createCounter('baton.dead_letters.quarantined', {
      description:
        'Messages whose dead letter could not be stored after several attempts and were quarantined instead (a compact letter marked "quarantined:"), per refusing component: the alert',
    }),
    taskDuration: meter.createHistogram('baton.agent.task.duration_seconds', {
      description: 'Time an agent spent on a task, per agent, kind and outcome',
      unit: 's',
      advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] },
    }),
    taskRetries: meter.createCounter('baton.agent.task.retries', {
      description: 'Tasks that were a retry (attempt > 1) of their step, per agent',
    }),
    taskRedeliveries: meter.createCounter('baton.agent.task.redeliveries', {
      description: 'Tasks JetStream delivered more than once (a crash or a lost ack), per agent',
    }),
    taskErrors: meter.createCounter('baton.agent.task.errors', {
      description: 'Tasks that ended in an error result, per agent and error code',
    }),
    effectDuplicates: meter.createCounter('baton.effect.duplicates', {
      description:
        'Extra effects found under one reference (two charges for one deposit): kept one, undid the rest; per agent and effect. Should stay 0: the alert',
    }),
  };
}

export const batonMetrics = perMeter(create);

/** Instruments made on first use, once per meter: one per process, or one per hosted service when
 *  several share a process (hosted.ts: each has its own meter, so each its own instruments). */
export function perMeter<T>(make: (meter: Meter) => T): () => T {
  const made = new WeakMap<Meter, T>();
  return () => {
    const meter = metrics.getMeter('baton');
    let instruments = made.get(meter);
    if (instruments === undefined) made.set(meter, (instruments = make(meter)));
    return instruments;
  };
}
