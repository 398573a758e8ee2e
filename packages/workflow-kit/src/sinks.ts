// Sinks: how workflow code reports metrics without I/O. The worker runs them outside the
// sandbox and, by default, not during replay, so a replayed workflow is not counted twice.
import type { Sinks } from '@temporalio/workflow';

export interface BatonSinks extends Sinks {
  batonMetrics: {
    ended(workflowType: string, outcome: string): void;
    escalated(workflowType: string): void;
    stuck(workflowType: string, state: string): void;
  };
}
