// The person at the approval gates during a chaos or partition run: approves or declines each
// reservation that waits at its approval gate (which one: `approves`, a stable rule, so two runs
// agree), once, until stopped. An attention gate (a step only a person can finish) is left open:
// those requests count as waiting for a person. Temporal may be restarting or cut off meanwhile:
// the person looks again shortly.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { DecisionRefusedError, decide, pending } from '@baton/console';

export interface GatePerson {
  /** Stops looking and waits for the round in progress to end. */
  stop(): Promise<void>;
}

export function gatePerson(
  temporal: Client,
  options: { decidedBy: string; approves: (workflowId: string) => boolean; intervalMs: number },
): GatePerson {
  let looking = true;
  const decided = new Set<string>();
  const rounds = (async () => {
    while (looking) {
      try {
        for (const { workflowId, state } of await pending(temporal)) {
          if (state !== 'Awaiting approval' || decided.has(workflowId)) continue;
          await decide(temporal, workflowId, {
            decision: options.approves(workflowId) ? 'approve' : 'decline',
            decidedBy: options.decidedBy,
            role: 'manager',
          })
            .then(() => decided.add(workflowId))
            .catch((err: unknown) => {
              // Refused for good (decided already, or the gate closed): not asked again.
              if (err instanceof DecisionRefusedError) decided.add(workflowId);
            });
        }
      } catch {
        // Temporal unreachable for now; look again shortly.
      }
      await sleep(options.intervalMs);
    }
  })();
  return {
    stop: async () => {
      looking = false;
      await rounds;
    },
  };
}
