// The fuzz corpus of events from outside: any JSON value, and a valid event with one field
// replaced, removed or given a wrong type at any depth. fuzz.e2e.test.ts runs the gateway on it;
// publishers.e2e.test.ts checks that the Python validator of the AsyncAPI document agrees with the
// gateway on it.
import fc from 'fast-check';
import { reservationEvent } from '@baton/testkit';

export const valid = reservationEvent('Table for 2, Friday 7pm');

/** A valid event with one field replaced, removed or given a wrong type, at any depth. */
export const mutatedEvent = fc
  .tuple(
    fc.constantFrom(
      'id',
      'source',
      'specversion',
      'type',
      'time',
      'datacontenttype',
      'idempotencykey',
      'data',
      'data.text',
      'data.customer',
      'data.customer.id',
      'data.customer.name',
      'data.receivedOn',
    ),
    fc.oneof(
      fc.constant(undefined),
      fc.anything(),
      fc.string(),
      fc.integer(),
      fc.constant(null),
      fc.constant(''),
      fc.string({ minLength: 5000, maxLength: 6000 }),
    ),
  )
  .map(([path, value]) => {
    const event = structuredClone(valid) as unknown as Record<string, unknown>;
    const keys = path.split('.');
    let node = event;
    for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
    if (value === undefined) delete node[keys.at(-1)!];
    else node[keys.at(-1)!] = value;
    return event;
  });

/** Any value a publisher might send. */
export const anyJson = fc.oneof(
  fc.jsonValue(),
  fc.anything(),
  mutatedEvent,
  fc.record({ type: fc.constantFrom('reservation.requested.v1', 'nope.v1'), data: fc.anything() }),
);
