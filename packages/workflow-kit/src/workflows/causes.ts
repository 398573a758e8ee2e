// The one walk down an error's `cause` chain, shared by the kit (an agent's code, its details, its
// innermost message) and by tests that look for what a failure wraps. Pure: safe in the workflow
// sandbox. A chain that loops back on itself ends at the first repeat.

/** The error and every cause below it, outermost first (values that are not objects end it). */
export function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (
    let current = err;
    current !== undefined && current !== null && !chain.includes(current);
    current = (current as { cause?: unknown }).cause
  ) {
    chain.push(current);
    if (typeof current !== 'object') break;
  }
  return chain;
}

/**
 * The innermost message of a failure chain (a Temporal failure, its activity's, the agent's): what the agent actually
 * said.
 */
export function causeOf(err: unknown): string {
  const innermost = causeChain(err).at(-1) as { message?: unknown } | undefined;
  return typeof innermost?.message === 'string' ? innermost.message : String(err);
}
