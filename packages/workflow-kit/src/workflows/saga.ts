// Saga compensation: effects register how to undo themselves; on failure they are undone in
// reverse order. Each compensation is itself an agent step with a long retry policy. One that
// still fails is reported back, never swallowed: the workflow hands it to a person.
import { causeOf } from './causes.js';

export interface CompensationFailure {
  name: string;
  error: string;
}

export class Saga {
  private readonly compensations: Array<{ name: string; run: () => Promise<unknown> }> = [];

  add(name: string, run: () => Promise<unknown>): void {
    this.compensations.push({ name, run });
  }

  get size(): number {
    return this.compensations.length;
  }

  /** Undoes everything registered, newest first; keeps going past a failure so that one stuck
   *  refund does not leave a table held too. Returns what could not be undone. */
  async compensate(): Promise<CompensationFailure[]> {
    const failures: CompensationFailure[] = [];
    while (this.compensations.length > 0) {
      const next = this.compensations.pop()!;
      try {
        await next.run();
      } catch (err) {
        failures.push({ name: next.name, error: causeOf(err) });
      }
    }
    return failures;
  }
}
