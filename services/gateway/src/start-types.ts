// The workflow types the gateway starts: those an event route of the registry starts (a workflow
// only a schedule or a signal reaches is not among them, nor the workflow kit's own
// agentStepWorkflow). Temporal's authorizer lets the gateway's identity start these and no other
// (infra/temporal/server/policy.go); infra/stack.sh writes the list with
// services/gateway/src/print-start-types.ts when it starts Temporal.
import type { Registry } from '@baton/workflow-kit';

/** Workflow function names (Temporal's workflow types), sorted, each once. */
export function startableWorkflowTypes(registry: Registry): string[] {
  return [...new Set([...registry.events.values()].map((e) => e.workflow.workflowName))].sort();
}

/** The file baton-temporal reads (--gateway-workflow-types): one type a line, a comment first. */
export function startTypesFile(registry: Registry): string {
  return `# Written from the workflow registry (services/gateway/src/start-types.ts): the workflow types the gateway may start.\n${startableWorkflowTypes(registry).join('\n')}\n`;
}
