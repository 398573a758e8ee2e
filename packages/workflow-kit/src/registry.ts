// Registration instead of central tables. Each business process lives in its own folder under
// `workflows/` and registers itself with `defineWorkflow` (its default export of
// `workflows/<name>/src/index.ts`): its event types, its agents' contracts, its gate types, its
// workflow function and how the console shows it. The gateway, the orchestrator, the console,
// the CLI and the metrics read the registry and work for every registered workflow unedited.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { z } from 'zod';
import { EventType, type AgentContract, type AgentTable, type AnyEventEnvelope } from '@baton/contracts';
import type { GatePolicy, GateView, WorkflowStatus } from './definitions.js';
import type { WorkflowDefinition } from './workflows/run.js';
import { sourceModule } from './bundling.js';

/** How one event type starts its workflow: the id derives from the event's idempotency key, so
 *  a replayed event finds the workflow it already started. */
export interface EventRoute<E = AnyEventEnvelope> {
  schema: z.ZodType<E>;
  start(event: E): { workflowId: string; input: unknown };
}

/** An older version of an event type, still accepted: the gateway checks it against its own
 *  schema, upcasts it to the next version (checked again) and so on to the version that starts
 *  the workflow, so one workflow version serves every accepted version. */
export interface UpcastEventRoute<E = AnyEventEnvelope> {
  schema: z.ZodType<E>;
  /** The next version's type, registered by the same workflow (`reservation.requested.v2`). */
  upcastTo: string;
  /** This version's event as the next version's: pure, and it must not lose what was said. */
  upcast(event: E): unknown;
  /** The last day (ISO date) this version is accepted; later it is dead-lettered with the reason. */
  acceptedUntil?: string;
}

export type AnyEventRoute = EventRoute<any> | UpcastEventRoute<any>;

export function isUpcastRoute(route: AnyEventRoute): route is UpcastEventRoute<any> {
  return 'upcastTo' in route;
}

/** How one event type reaches a workflow that is already running (a bill's payment, for the
 *  bill's reminders): the gateway signals the workflow the event names. */
export interface SignalRoute<E = AnyEventEnvelope> {
  schema: z.ZodType<E>;
  signal(event: E): { workflowId: string; signal: string; args: unknown[] };
}

/** A Temporal Schedule the orchestrator ensures at start (created when missing; a schedule that
 *  exists is left as the owner set it: time changed or paused from the CLI). */
export interface ScheduleDeclaration {
  scheduleId: string;
  /** The workflow function each firing starts, with these arguments. */
  workflowName: string;
  args: unknown[];
  /** Calendar times (UTC unless timezone says otherwise), e.g. [{ hour: 7, minute: 0 }]. */
  calendars: Array<{ hour: number; minute: number }>;
  timezone?: string;
  /** What happens when a firing comes while the last one still runs. */
  overlap: 'SKIP' | 'BUFFER_ONE' | 'BUFFER_ALL' | 'CANCEL_OTHER' | 'TERMINATE_OTHER' | 'ALLOW_ALL';
  /** How late a missed firing (server down at its time) may still run. */
  catchupWindowMs: number;
  note?: string;
}

/** A field a person may change when approving with changes (rendered by the console). */
export interface ChangeField {
  name: string;
  label: string;
  type: 'number' | 'text';
  min?: number;
  max?: number;
  maxLength?: number;
}

/** One row of context on a gate's page. `id` makes it addressable (tests, styles). */
export interface ContextRow {
  label: string;
  value: string;
  id?: string;
  /** Health information or anything a person must not miss. */
  emphasis?: boolean;
}

export interface WorkflowView<St extends WorkflowStatus = WorkflowStatus> {
  /** One line for the inbox: what is being decided. */
  summary?(status: St): string;
  /** The rows of context above the decision form. */
  context?(status: St, history: { previous: number } | undefined): ContextRow[];
  /** What approve-with-changes may change, per field. */
  changeFields?: ChangeField[] | ((gate: GateView, status: St) => ChangeField[]);
  /** The customer or requester, for "earlier cases of this customer" (BatonCustomer). */
  customerId?(status: St): string | undefined;
  /** The state that counts as a success in that history (e.g. `Confirmed`). */
  successState?: string;
}

export interface WorkflowRegistration<St extends WorkflowStatus = WorkflowStatus, A extends AgentTable = AgentTable> {
  /** The workflow's declared states and gate types (shared with its workflow code). */
  definition: WorkflowDefinition<string>;
  /** The exported name of the workflow function in `workflowModule`. */
  workflowName: string;
  /** The module (absolute path) that exports the workflow function; bundled into the worker. */
  workflowModule: string;
  events: Record<string, AnyEventRoute>;
  agents: A;
  view?: WorkflowView<St>;
  /** Event types delivered to a running workflow of this type instead of starting one. */
  signals?: Record<string, SignalRoute<any>>;
  /** Schedules that start this workflow (the orchestrator ensures them at start). */
  schedules?: ScheduleDeclaration[];
}

export class RegistrationError extends Error {
  readonly code = 'INVALID_REGISTRATION';
  readonly retryable = false;
}

/** Declares a workflow; checked when the registry loads it. */
export function defineWorkflow<St extends WorkflowStatus, A extends AgentTable = AgentTable>(
  registration: WorkflowRegistration<St, A>,
): WorkflowRegistration<St, A> {
  return registration;
}

/** Where the monorepo keeps its workflow folders. */
export const DEFAULT_WORKFLOWS_DIR = fileURLToPath(new URL('../../../workflows/', import.meta.url));
/** The kit's own workflows, by their source (the workflow bundle is built from sources: bundling.ts). */
const KIT_WORKFLOWS = sourceModule(import.meta.url, './workflows/index.ts');
/** Run as built JavaScript (dist/, plain node) or from the sources (src/, through tsx): the
 *  registrations are imported the same way, so one process never holds both copies of the kit. */
const BUILT = !import.meta.url.endsWith('.ts');
/** Recorded histories of the kit's own workflow (agentStepWorkflow). */
const KIT_HISTORIES_DIR = fileURLToPath(new URL('../histories/', import.meta.url));

/** A workflow function the orchestrator runs, and where its recorded histories are kept (the
 *  replay suite's fixtures, written by `npm run record-histories`). */
export interface ReplayTarget {
  /** The registered type (`reservation`), or `agent-step` for the kit's own. */
  type: string;
  workflowName: string;
  /** `workflows/<name>/histories`: beside the workflow's `src` folder. */
  historiesDir: string;
}
/** The build folder of generated worker entries and built workflow bundles: the repository's
 *  git-ignored `.baton/build/` (the bundler finds the SDK from there through the root's
 *  dependencies). A build step fills it (the orchestrator's prebuild, the image's build stage); at
 *  run time an entry already there is not written again. */
export const GENERATED_DIR = fileURLToPath(new URL('../../../.baton/build/', import.meta.url));

/** Every older version upcasts, within its workflow, along a chain that ends at a version that
 *  starts the workflow. */
function checkUpcasts(type: string, events: Record<string, AnyEventRoute>): void {
  for (const [eventType, first] of Object.entries(events)) {
    if (isUpcastRoute(first) && first.acceptedUntil !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(first.acceptedUntil)) {
      throw new RegistrationError(
        `${type}: ${eventType} acceptedUntil "${first.acceptedUntil}" is not an ISO date (YYYY-MM-DD)`,
      );
    }
    const seen = [eventType];
    let route = first;
    while (isUpcastRoute(route)) {
      const next = events[route.upcastTo];
      if (!next)
        throw new RegistrationError(
          `${type}: ${seen.at(-1)} upcasts to ${route.upcastTo}, which ${type} does not register`,
        );
      if (seen.includes(route.upcastTo))
        throw new RegistrationError(
          `${type}: event versions upcast in a circle (${[...seen, route.upcastTo].join(' -> ')})`,
        );
      seen.push(route.upcastTo);
      route = next;
    }
  }
}

export class Registry {
  private constructor(
    readonly workflows: ReadonlyMap<string, WorkflowRegistration>,
    readonly events: ReadonlyMap<string, { route: AnyEventRoute; workflow: WorkflowRegistration }>,
    readonly agents: ReadonlyMap<string, AgentContract>,
    readonly gateTypes: ReadonlyMap<string, GatePolicy & { workflowType: string }>,
    readonly signals: ReadonlyMap<string, { route: SignalRoute; workflow: WorkflowRegistration }> = new Map(),
  ) {}

  /** Every declared schedule, with the workflow type that declared it. */
  get schedules(): Array<ScheduleDeclaration & { workflowType: string }> {
    return [...this.workflows.values()].flatMap((w) =>
      (w.schedules ?? []).map((s) => ({ ...s, workflowType: w.definition.type })),
    );
  }

  /** For a service's main.ts: load, or print why not (a bad registration, a workflow's invalid
   *  config naming its variable) and exit with status 78 (EX_CONFIG). */
  static async loadOrExit(service: string, dir: string = DEFAULT_WORKFLOWS_DIR): Promise<Registry> {
    try {
      return await Registry.load(dir);
    } catch (err) {
      if (!(err instanceof RegistrationError) && (err as { code?: unknown }).code !== 'INVALID_CONFIG') throw err;
      process.stderr.write(`${service}: ${(err as Error).message}\n`);
      process.exit(78);
    }
  }

  /** Imports `<dir>/<name>/src/index.ts` of every folder (its built `dist/index.js` when the kit
   *  runs built) and checks them together: one owner per event type, gate type and workflow name;
   *  an agent shared by two workflows has one contract. */
  static async load(dir: string = DEFAULT_WORKFLOWS_DIR): Promise<Registry> {
    const registrations: Array<{ folder: string; registration: WorkflowRegistration }> = [];
    for (const folder of readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort()) {
      const source = join(dir, folder, 'src', 'index.ts');
      if (!existsSync(source)) continue;
      const entry = BUILT ? join(dir, folder, 'dist', 'index.js') : source;
      if (!existsSync(entry)) throw new RegistrationError(`${source} is not built (no ${entry}): run npm run build`);
      const mod = (await import(pathToFileURL(entry).href)) as { default?: WorkflowRegistration };
      if (!mod.default?.definition) throw new RegistrationError(`${entry} must export default defineWorkflow({...})`);
      registrations.push({ folder, registration: mod.default });
    }
    return Registry.of(registrations.map((r) => r.registration));
  }

  static of(registrations: WorkflowRegistration[]): Registry {
    const workflows = new Map<string, WorkflowRegistration>();
    const events = new Map<string, { route: AnyEventRoute; workflow: WorkflowRegistration }>();
    const agents = new Map<string, AgentContract>();
    const gateTypes = new Map<string, GatePolicy & { workflowType: string }>();
    const names = new Map<string, string>();
    for (const r of registrations) {
      const type = r.definition.type;
      if (workflows.has(type)) throw new RegistrationError(`two workflows register the type "${type}"`);
      workflows.set(type, r);
      if (names.has(r.workflowName))
        throw new RegistrationError(
          `workflow function ${r.workflowName} is exported by both ${names.get(r.workflowName)} and ${type}`,
        );
      names.set(r.workflowName, type);
      for (const [eventType, route] of Object.entries(r.events)) {
        if (!EventType.safeParse(eventType).success)
          throw new RegistrationError(
            `${type}: event type "${eventType}" is not a dotted, versioned type such as "reservation.requested.v1"`,
          );
        const owner = events.get(eventType);
        if (owner)
          throw new RegistrationError(
            `event type ${eventType} is registered by both ${owner.workflow.definition.type} and ${type}`,
          );
        events.set(eventType, { route, workflow: r });
      }
      checkUpcasts(type, r.events);
      for (const [name, contract] of Object.entries(r.agents)) {
        if (contract.name !== name)
          throw new RegistrationError(`${type}: agent table key "${name}" names contract "${contract.name}"`);
        const known = agents.get(name);
        if (known && known !== contract)
          throw new RegistrationError(
            `agent ${name} has two different contracts (${type} and another workflow); share one declaration`,
          );
        agents.set(name, contract);
      }
      for (const [gateType, policy] of Object.entries(r.definition.gateTypes)) {
        if (gateTypes.has(gateType))
          throw new RegistrationError(
            `gate type ${gateType} is declared by both ${gateTypes.get(gateType)!.workflowType} and ${type}`,
          );
        gateTypes.set(gateType, { ...policy, workflowType: type });
      }
    }
    const signals = new Map<string, { route: SignalRoute; workflow: WorkflowRegistration }>();
    const scheduleIds = new Set<string>();
    for (const r of registrations) {
      for (const [eventType, route] of Object.entries(r.signals ?? {})) {
        if (!EventType.safeParse(eventType).success)
          throw new RegistrationError(
            `${r.definition.type}: event type "${eventType}" is not a dotted, versioned type such as "bill.paid.v1"`,
          );
        const owner = events.get(eventType)?.workflow ?? signals.get(eventType)?.workflow;
        if (owner)
          throw new RegistrationError(
            `event type ${eventType} is registered by both ${owner.definition.type} and ${r.definition.type}`,
          );
        signals.set(eventType, { route, workflow: r });
      }
      for (const schedule of r.schedules ?? []) {
        if (scheduleIds.has(schedule.scheduleId))
          throw new RegistrationError(`schedule ${schedule.scheduleId} is declared twice`);
        scheduleIds.add(schedule.scheduleId);
      }
    }
    return new Registry(workflows, events, agents, gateTypes, signals);
  }

  /** The registration of a workflow type. */
  workflow(type: string): WorkflowRegistration | undefined {
    return this.workflows.get(type);
  }

  /** Every registered workflow type. */
  get types(): string[] {
    return [...this.workflows.keys()];
  }

  /** Every workflow function the worker runs, with where its recorded histories live. */
  replayTargets(): ReplayTarget[] {
    return [
      { type: 'agent-step', workflowName: 'agentStepWorkflow', historiesDir: KIT_HISTORIES_DIR },
      ...[...this.workflows.values()].map((w) => ({
        type: w.definition.type,
        workflowName: w.workflowName,
        historiesDir: resolve(dirname(w.workflowModule), '..', 'histories'),
      })),
    ];
  }

  /** The modules of every workflow the worker runs: the kit's own, then each registered one's
   *  (or the module `replace` names for its type). */
  bundledModules(replace: Readonly<Record<string, string>> = {}): string[] {
    for (const type of Object.keys(replace))
      if (!this.workflows.has(type))
        throw new RegistrationError(`cannot replace the module of unregistered workflow type "${type}"`);
    return [
      KIT_WORKFLOWS,
      ...[...this.workflows.values()].map((w) => resolve(replace[w.definition.type] ?? w.workflowModule)),
    ];
  }

  /** Writes the module the Temporal worker bundles: the kit's own workflows and every
   *  registered workflow's module. Returns its path, named by its content, so an entry already
   *  there (written by the build step) is not written again: a read-only image starts. (Requiring
   *  each module lazily, only for workflows of its own type, was measured with
   *  bench/src/replay-cost.ts and saved nothing measurable: Baton's workflow code is small.) */
  writeWorkflowBundleEntry(outDir: string = GENERATED_DIR, replace: Readonly<Record<string, string>> = {}): string {
    const source = `// Generated by the workflow kit's registry: every workflow the orchestrator runs.\n${this.bundledModules(
      replace,
    )
      .map((m) => `export * from ${JSON.stringify(m)};`)
      .join('\n')}\n`;
    const path = join(outDir, `entry-${createHash('sha256').update(source).digest('hex').slice(0, 16)}.ts`);
    if (existsSync(path)) return path;
    mkdirSync(outDir, { recursive: true });
    // Its name is its content: written whole (renamed into place) or not at all.
    writeFileSync(`${path}.${process.pid}.tmp`, source);
    renameSync(`${path}.${process.pid}.tmp`, path);
    return path;
  }
}
