// Waiting for an observable condition with a bound, instead of sleeping in tests. A probe that
// sees the condition can never become true (a workflow ended in another terminal state) says so
// by throwing WaitAbortedError, and the wait ends at once instead of polling out its timeout.
export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

export class WaitTimeoutError extends Error {
  readonly code = 'WAIT_TIMEOUT';
}

/**
 * Thrown by a probe when what it waits for will never happen: waitFor rethrows it unchanged, on
 * the first probe that throws it. Any other error from a probe counts as "not yet" (a server
 * restarting, a record not written yet) and is retried until the bound.
 */
export class WaitAbortedError extends Error {
  readonly code = 'WAIT_ABORTED';
}

const TIMED_OUT: unique symbol = Symbol('timed out');
/** A probe gets at least this long even at the bound, so a last look still gets its answer. */
const LAST_PROBE_MS = 1_000;

/**
 * Polls until check returns a value other than undefined/false, or throws after the bound. A
 * probe still running at the bound does not extend it by more than LAST_PROBE_MS: a probe that
 * hangs (a request to a server that is down) cannot turn the wait into an endless one.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let lastError: unknown;
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    try {
      // The probe's own promise, observed even if the bound wins the race below, so a late
      // rejection is never left unhandled.
      const probe = Promise.resolve().then(check);
      probe.catch(() => undefined);
      const bound = new Promise<typeof TIMED_OUT>((resolve) => {
        timer = setTimeout(() => resolve(TIMED_OUT), Math.max(LAST_PROBE_MS, deadline - Date.now()));
      });
      const value = await Promise.race([probe, bound]);
      if (value === TIMED_OUT) lastError = new Error('the last check did not answer before the bound');
      else if (value !== undefined && value !== false) return value;
    } catch (err) {
      if (err instanceof WaitAbortedError) throw err;
      lastError = err;
    } finally {
      clearTimeout(timer);
    }
    if (Date.now() >= deadline) {
      throw new WaitTimeoutError(
        `timed out waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`,
        lastError ? { cause: lastError } : undefined,
      );
    }
    await new Promise((r) => setTimeout(r, Math.min(options.intervalMs ?? 200, Math.max(0, deadline - Date.now()))));
  }
}
