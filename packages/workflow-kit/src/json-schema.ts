// JSON Schema documents for publishers and agents written in other languages, generated from the
// zod schemas (the single source): Baton's own wire formats into packages/contracts/json-schema,
// each registered workflow's events and agent contracts into workflows/<name>/json-schema.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { AgentResult, AgentTask, AnyEventEnvelope, AuditRecord, DeadLetter } from '@baton/contracts';
import { isUpcastRoute, type Registry } from './registry.js';

const CONTRACTS_DIR = fileURLToPath(new URL('../../contracts/json-schema/', import.meta.url));

/** Every document by its absolute path. */
export function jsonSchemaDocuments(registry: Registry): Map<string, unknown> {
  const docs = new Map<string, unknown>();
  const add = (dir: string, name: string, schema: z.ZodType) =>
    docs.set(join(dir, `${name}.schema.json`), {
      $id: name,
      ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }),
    });
  for (const [name, schema] of Object.entries({
    'agent-task': AgentTask,
    'agent-result': AgentResult,
    'dead-letter': DeadLetter,
    'event-envelope': AnyEventEnvelope,
    'audit-record': AuditRecord,
  }))
    add(CONTRACTS_DIR, name, schema);
  for (const workflow of registry.workflows.values()) {
    const dir = join(dirname(dirname(workflow.workflowModule)), 'json-schema');
    for (const [type, route] of Object.entries(workflow.events)) {
      add(dir, `event.${type}`, route.schema);
      // An older version says so, and until when it is accepted (JSON Schema's `deprecated`).
      if (isUpcastRoute(route)) {
        const path = join(dir, `event.${type}.schema.json`);
        const until = route.acceptedUntil ? `until ${route.acceptedUntil}` : 'until further notice';
        docs.set(path, {
          ...(docs.get(path) as object),
          deprecated: true,
          description: `Superseded by ${route.upcastTo}; accepted ${until}.`,
        });
      }
    }
    for (const [type, route] of Object.entries(workflow.signals ?? {})) add(dir, `event.${type}`, route.schema);
    for (const [agent, contract] of Object.entries(workflow.agents)) {
      add(dir, `agent.${agent}.input`, contract.input);
      add(dir, `agent.${agent}.output`, contract.output);
      if (contract.compensation) {
        add(dir, `agent.${agent}.compensation.input`, contract.compensation.input);
        add(dir, `agent.${agent}.compensation.output`, contract.compensation.output);
      }
    }
  }
  return docs;
}

export function renderJsonSchema(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
