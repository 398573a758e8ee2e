// The registry's checks: registered workflows stand side by side only when they do not clash,
// and every clash is refused with what clashes, before any service starts on it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { defineAgentContract, eventEnvelope } from '@baton/contracts';
import { Registry, RegistrationError, defineWorkflow, type WorkflowRegistration } from '../src/internal.js';

const contract = defineAgentContract('helper', {
  input: z.object({ a: z.string() }),
  output: z.object({ b: z.string() }),
});
function workflow(type: string, over: Partial<WorkflowRegistration> = {}): WorkflowRegistration {
  return defineWorkflow({
    definition: {
      type,
      states: ['Doing', 'Done'],
      terminal: ['Done'],
      limitsMs: {},
      gateTypes: { [`${type}.review`]: { autoApprove: false, title: 'review' } },
    },
    workflowName: `${type}Workflow`,
    workflowModule: `/nowhere/${type}.ts`,
    events: {
      [`${type}.requested.v1`]: {
        schema: eventEnvelope(`${type}.requested.v1`, z.object({})),
        start: () => ({ workflowId: type, input: {} }),
      },
    },
    agents: { helper: contract },
    ...over,
  });
}

describe('workflow registry', () => {
  it("loads the repository's workflows: the reservation and the samples", async () => {
    const registry = await Registry.load();
    assert.ok(registry.types.includes('reservation'));
    assert.equal(registry.events.get('reservation.requested.v1')?.workflow.workflowName, 'reservationWorkflow');
    assert.equal(registry.events.get('reservation.requested.v2')?.workflow.workflowName, 'reservationWorkflow');
    assert.ok(registry.agents.has('echo') && registry.agents.has('intake'));
  });

  it('lets two workflows share one agent declaration', () => {
    const registry = Registry.of([workflow('errand'), workflow('chore')]);
    assert.deepEqual(registry.types, ['errand', 'chore']);
    assert.equal(registry.agents.get('helper'), contract);
  });

  it('refuses every clash with what clashes', () => {
    const clash = (rs: WorkflowRegistration[], expected: RegExp) =>
      assert.throws(
        () => Registry.of(rs),
        (err: unknown) => err instanceof RegistrationError && expected.test(err.message),
      );
    clash([workflow('errand'), workflow('errand')], /two workflows register the type "errand"/);
    clash(
      [workflow('errand'), workflow('chore', { events: workflow('errand').events })],
      /event type errand\.requested\.v1 is registered by both errand and chore/,
    );
    clash(
      [workflow('errand'), workflow('chore', { workflowName: 'errandWorkflow' })],
      /errandWorkflow is exported by both errand and chore/,
    );
    const other = defineAgentContract('helper', {
      input: z.object({ a: z.number() }),
      output: z.object({ b: z.string() }),
    });
    clash(
      [workflow('errand'), workflow('chore', { agents: { helper: other } })],
      /agent helper has two different contracts/,
    );
    clash(
      [workflow('errand', { agents: { helper: { ...contract, name: 'other' } } })],
      /table key "helper" names contract "other"/,
    );
    const badEvent = { 'errand.requested': workflow('errand').events['errand.requested.v1']! };
    clash([workflow('errand', { events: badEvent })], /is not a dotted, versioned type/);
  });

  it('refuses an older event version whose upcasts lead nowhere, in a circle or with a last day that is no date', () => {
    const clash = (events: WorkflowRegistration['events'], expected: RegExp) =>
      assert.throws(
        () => Registry.of([workflow('errand', { events })]),
        (err: unknown) => err instanceof RegistrationError && expected.test(err.message),
      );
    const schema = eventEnvelope('errand.requested.v1', z.object({}));
    const upcast = (to: string, acceptedUntil?: string) => ({
      schema,
      upcastTo: to,
      upcast: (e: unknown) => e,
      ...(acceptedUntil ? { acceptedUntil } : {}),
    });
    clash(
      { 'errand.requested.v1': upcast('errand.requested.v2') },
      /errand\.requested\.v1 upcasts to errand\.requested\.v2, which errand does not register/,
    );
    clash(
      { 'errand.requested.v1': upcast('errand.requested.v2'), 'errand.requested.v2': upcast('errand.requested.v1') },
      /upcast in a circle/,
    );
    clash(
      {
        'errand.requested.v1': upcast('errand.requested.v2', 'next summer'),
        'errand.requested.v2': workflow('errand').events['errand.requested.v1']!,
      },
      /acceptedUntil "next summer" is not an ISO date/,
    );
  });

  it("writes a bundle entry that exports the kit's workflows and every registered module, named by its content", async () => {
    const registry = await Registry.load();
    const entry = registry.writeWorkflowBundleEntry();
    assert.match(entry, /entry-[0-9a-f]{16}\.ts$/);
    const source = readFileSync(entry, 'utf8');
    for (const module of registry.bundledModules())
      assert.ok(source.includes(`export * from ${JSON.stringify(module)};`), `${module} is exported`);
    assert.equal(registry.bundledModules().length, registry.types.length + 1, "the kit's module and one per workflow");
    assert.equal(registry.writeWorkflowBundleEntry(), entry, 'the same code gives the same entry');
  });

  it('writes an entry the build step already wrote no second time (an image runs read-only)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-entry-'));
    try {
      const registry = Registry.of([workflow('alpha')]);
      const entry = registry.writeWorkflowBundleEntry(dir);
      const built = new Date('2026-01-01T00:00:00Z');
      utimesSync(entry, built, built);
      assert.equal(registry.writeWorkflowBundleEntry(dir), entry);
      assert.equal(statSync(entry).mtimeMs, built.getTime(), 'not written again');
      assert.deepEqual(readdirSync(dir), [basename(entry)], 'and nothing else written beside it');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
