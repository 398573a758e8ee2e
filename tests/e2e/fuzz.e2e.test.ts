// Property-based fuzzing (fast-check) of what Baton accepts from outside: the gateway's event
// validation, the webhook, and the result bridge's parsing. For any input (values, and shapes:
// deep nesting, wide objects, long arrays): no crash, a clear answer, and every rejection on
// the dead-letter stream with its reason and the raw payload.
// The pure validation runs hundreds of cases; the real-stack properties run fewer (each case is
// a round trip through JetStream), against the real gateway and orchestrator processes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { publishJson, scrubPayload } from '@baton/bus';
import { subjects } from '@baton/contracts';
import { validateEvent } from '@baton/gateway';
import { deadLetters, getJson, postEvent, reservationEvent, stackEnv, waitFor } from '@baton/testkit';
import { anyJson } from './fuzz-corpus.js';
import { Registry } from '@baton/workflow-kit';
import { startStack, waitForState, type Stack } from './support.js';

const registry = await Registry.load();
/** Shapes rather than values: nesting up to far past what a consumer accepts, and wide objects
 *  and arrays, each within the webhook's 256 KiB body limit. */
const shapedBody = fc.oneof(
  // Depth bounded per opener so the body stays within the limit: 2 characters a level for arrays,
  // 6 for objects (262,144 / 6 > 43,000).
  fc
    .constantFrom(['[', 100_000] as const, ['{"a":', 43_000] as const)
    .chain(([open, most]) =>
      fc
        .integer({ min: 1, max: most })
        .map((depth) => open.repeat(depth) + '1' + (open === '[' ? ']' : '}').repeat(depth)),
    ),
  fc.integer({ min: 0, max: 17_000 }).map((n) => `{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',')}}`), // 17,000 keys: 232,781 characters
  fc.integer({ min: 0, max: 60_000 }).map((n) => `[${Array.from({ length: n }, () => '0').join(',')}]`),
);

describe('fuzzing the edges', () => {
  it('validation never throws: every value is either a workflow start or a reason', () => {
    fc.assert(
      fc.property(anyJson, (value) => {
        const result = validateEvent(registry, value);
        if (result.ok) assert.match(result.workflowId, /^reservation-/);
        else assert.ok(typeof result.reason === 'string' && result.reason.length > 0, 'a reason');
      }),
      { numRuns: 500 },
    );
  });

  describe('on the real stack', () => {
    let stack: Stack;
    before(async () => {
      stack = await startStack();
    });
    after(async () => {
      await stack?.close();
    });

    it('the webhook answers any body with 202, 400 or 409, and dead-letters every 400 with its reason', async () => {
      const bodies = fc.oneof(
        fc.string({ maxLength: 300 }),
        anyJson.map((v) => JSON.stringify(v) ?? 'undefined'),
        fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
        shapedBody,
      );
      await fc.assert(
        fc.asyncProperty(bodies, async (body) => {
          const answer = await postEvent(body);
          assert.ok(
            [202, 400, 409].includes(answer.status),
            `status ${answer.status} for ${body.length} characters: ${JSON.stringify(body).slice(0, 200)}`,
          );
          if (answer.status !== 400) return;
          assert.ok(typeof answer.body.reason === 'string' && answer.body.reason.length > 0);
          await waitFor('the dead letter', async () =>
            (await deadLetters(stack.bus)).find(
              (l) => l.rejectedBy === 'gateway' && l.payload === body && l.reason === answer.body.reason,
            ),
          );
        }),
        { numRuns: 40 },
      );
      assert.deepEqual(await getJson(`${stackEnv().BATON_GATEWAY_URL}/health`), { ok: true });
    });

    it('the result bridge dead-letters any malformed result with a reason and keeps bridging', async () => {
      const result = {
        taskId: 't',
        taskToken: 'dG9rZW4=',
        workflowId: 'w',
        stepId: 's',
        attempt: 1,
        agent: 'safety',
        kind: 'run',
        finishedAt: new Date().toISOString(),
        status: 'ok',
        output: {},
      };
      // Every field the schema requires, each given a value it refuses (or removed).
      const required = Object.keys(result).filter((k) => k !== 'output');
      const broken = fc.oneof(
        fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v) || !('taskToken' in v)),
        // Near misses: a well-formed result with one field emptied, nulled, negative or of a wrong kind.
        fc
          .tuple(fc.constantFrom(...required), fc.constantFrom(undefined, null, [], {}, -1))
          .map(([k, v]) => ({ ...result, [k]: v })),
      );
      let n = 0;
      await fc.assert(
        fc.asyncProperty(broken, async (value) => {
          const marker = `fuzz-${process.pid}-${n++}`;
          await publishJson(stack.bus.js, subjects.result('safety'), value, {
            msgID: marker,
            headers: { 'x-fuzz-case': marker },
          });
          const letter = await waitFor('the dead letter', async () =>
            (await deadLetters(stack.bus)).find(
              (l) => l.rejectedBy === 'bridge' && l.headers['x-fuzz-case'] === marker,
            ),
          );
          assert.ok(letter.reason.length > 0, 'a reason');
          // Kept as it came, but for task tokens, seals and credentials (dead letters keep no secrets).
          assert.equal(letter.payload, scrubPayload(JSON.stringify(value)), 'the raw payload is kept');
        }),
        { numRuns: 30 },
      );
      // Still bridging: a clean request runs every step through the bridge.
      const event = reservationEvent('Table for 2, Saturday 1pm');
      await waitForState(stack, String((await postEvent(event)).body.workflowId), 'Confirmed');
    });
  });
});
