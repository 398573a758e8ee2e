// Workflow metrics: outcomes, escalations and stuck reports arrive from workflow code through a
// sink (not called during replay, so nothing is counted twice); what is waiting right now (gates
// pending, their age, stuck workflows) is read from Temporal visibility at scrape time.
import type { Meter } from '@opentelemetry/api';
import type { Client } from '@temporalio/client';
import type { InjectedSinks } from '@temporalio/worker';
import { batonMetrics, type Logger } from '@baton/telemetry';
import {
  AWAITING_DECISION,
  BatonStateSince,
  BatonWorkflowType,
  NEEDS_ATTENTION,
  type BatonSinks,
} from '@baton/workflow-kit/internal';

export function workflowMetricSinks(): InjectedSinks<BatonSinks> {
  const type = (workflowType: string) => ({ 'baton.workflow.type': workflowType });
  return {
    batonMetrics: {
      ended: {
        fn: (_info, workflowType, outcome) =>
          batonMetrics().workflowsEnded.add(1, { ...type(workflowType), 'baton.outcome': outcome }),
      },
      escalated: { fn: (_info, workflowType) => batonMetrics().workflowsEscalated.add(1, type(workflowType)) },
      stuck: {
        fn: (_info, workflowType, state) =>
          batonMetrics().workflowsStuck.add(1, { ...type(workflowType), 'baton.state': state }),
      },
    },
  };
}

const GATES = `BatonState IN ("${AWAITING_DECISION}", "${NEEDS_ATTENTION}") AND ExecutionStatus = "Running"`;
const STUCK = `BatonStuck = true AND ExecutionStatus = "Running"`;

/** Gauges per registered workflow type (every type is reported, zero included). */
export function observeWorkflows(meter: Meter, client: Client, logger: Logger, workflowTypes: string[]): void {
  const pending = meter.createObservableGauge('baton.gates.pending', {
    description: 'Approval gates waiting for a person',
  });
  const oldest = meter.createObservableGauge('baton.gates.oldest_age_seconds', {
    description: 'Age of the oldest approval gate waiting for a person',
    unit: 's',
  });
  const stuck = meter.createObservableGauge('baton.workflows.stuck_now', {
    description: 'Running workflows past their state limit',
  });
  meter.addBatchObservableCallback(
    async (result) => {
      try {
        const since = new Map<string, number[]>(workflowTypes.map((t) => [t, []]));
        for await (const wf of client.workflow.list({ query: GATES, pageSize: 1000 })) {
          const entered = wf.typedSearchAttributes.get(BatonStateSince);
          const type = wf.typedSearchAttributes.get(BatonWorkflowType) ?? 'unknown';
          if (entered) (since.get(type) ?? since.set(type, []).get(type)!).push(entered.getTime());
        }
        const stuckByType = new Map<string, number>();
        for await (const wf of client.workflow.list({ query: STUCK, pageSize: 1000 })) {
          const type = wf.typedSearchAttributes.get(BatonWorkflowType) ?? 'unknown';
          stuckByType.set(type, (stuckByType.get(type) ?? 0) + 1);
        }
        for (const [type, entered] of since) {
          const attrs = { 'baton.workflow.type': type };
          result.observe(pending, entered.length, attrs);
          result.observe(oldest, entered.length ? (Date.now() - Math.min(...entered)) / 1000 : 0, attrs);
          result.observe(stuck, stuckByType.get(type) ?? 0, attrs);
        }
      } catch (err) {
        // Temporal unreachable: report nothing rather than a wrong zero.
        logger.warn({ err }, 'could not read workflow visibility for metrics');
      }
    },
    [pending, oldest, stuck],
  );
}
