// Workflow code, bundled into the workflow tests only (harness.ts): a timer whose scope is
// cancelled is left to fire instead of being cancelled on the server. Temporal's Java test
// server refuses a workflow task that cancels a timer it has just fired (its `processCancelTimer`
// finds no timer: "invalid history builder state for action", sdk-java issues 2606 and 3088),
// and then leaves that task started in its history and completed in its memory: the run never
// gets another task and, with the server's clock held, the test hangs. The real server accepts
// the same task, so production keeps the SDK's own behaviour.
//
// What changes under test: a `condition(fn, timeout)` met early, or a sleep in a cancelled scope,
// rejects in the workflow exactly as before, but its timer stays on the server and fires later
// into nothing (the SDK drops a fired timer nobody waits for). Time skipping may stop at that
// instant on its way: an extra workflow task, no change in what the workflow does.
import { CancellationScope, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      startTimer(input, next) {
        const scope = CancellationScope.current();
        // Already cancelled, or not cancellable: the SDK sends no cancel command either way.
        if (!scope.cancellable || scope.consideredCancelled) return next(input);
        const timer = CancellationScope.nonCancellable(() => next(input));
        return Promise.race([timer, scope.cancelRequested]);
      },
    },
  ],
});
