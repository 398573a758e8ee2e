// What an agent's contract is: its name, the input and output of its task, and of its
// compensation where it has one. Baton owns the shape; each workflow folder declares the
// contracts of its own agents with `defineAgentContract`, and the agent runtime, the result
// bridge and the workflow's `callAgent` all type themselves from that one declaration.
import { z } from 'zod';

/** An agent's name: it becomes part of subjects (`baton.task.<name>`) and consumer names. */
export const AgentName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, { message: 'must be lowercase letters, digits and dashes, starting with a letter' });
export type AgentName = string;

export const TaskKind = z.enum(['run', 'compensate']);
export type TaskKind = z.infer<typeof TaskKind>;

export interface AgentContract<
  N extends string = string,
  I extends z.ZodType = z.ZodType,
  O extends z.ZodType = z.ZodType,
  C extends { input: z.ZodType; output: z.ZodType } | undefined = { input: z.ZodType; output: z.ZodType } | undefined,
> {
  name: N;
  input: I;
  output: O;
  compensation?: C;
  /** The contract's version (default 1): raised for a change a reader of the old one would not
   *  accept. Tasks carry the version the workflow expects; agents answer it or refuse. */
  version?: number;
  /** Older versions this agent still answers, because its output satisfies them too (an
   *  additive change: new optional or extra fields). */
  alsoAnswers?: readonly number[];
}

/** The version of a contract (1 unless declared). */
export function contractVersionOf(contract: Pick<AgentContract, 'version'>): number {
  return contract.version ?? 1;
}

/** Whether an agent under `contract` may answer a task that expects `expected`. */
export function answersVersion(contract: Pick<AgentContract, 'version' | 'alsoAnswers'>, expected: number): boolean {
  return expected === contractVersionOf(contract) || (contract.alsoAnswers ?? []).includes(expected);
}

/** Declares one agent's contract. The name is checked here so a typo fails at start. */
export function defineAgentContract<
  const N extends string,
  I extends z.ZodType,
  O extends z.ZodType,
  C extends { input: z.ZodType; output: z.ZodType } | undefined = undefined,
>(
  name: N,
  contract: { input: I; output: O; compensation?: C; version?: number; alsoAnswers?: readonly number[] },
): AgentContract<N, I, O, C> {
  AgentName.parse(name);
  return { ...contract, name } as AgentContract<N, I, O, C>;
}

/** A workflow's agents, by name. */
export type AgentTable = Record<string, AgentContract>;

// Types a workflow's code and an agent's handler derive from a contract (type-level only, so
// workflow code can use them without loading zod into the sandbox).
export type ContractInput<C extends AgentContract> = z.input<C['input']>;
export type ContractParsedInput<C extends AgentContract> = z.output<C['input']>;
export type ContractOutput<C extends AgentContract> = z.output<C['output']>;
type Comp<C extends AgentContract> = NonNullable<C['compensation']>;
export type CompensationInput<C extends AgentContract> = z.input<Comp<C>['input']>;
export type CompensationParsedInput<C extends AgentContract> = z.output<Comp<C>['input']>;
export type CompensationOutput<C extends AgentContract> = z.output<Comp<C>['output']>;
/** Whether a contract declares a compensation. */
export type HasCompensation<C extends AgentContract> = [NonNullable<C['compensation']>] extends [never] ? false : true;
/** Names in a table whose agent has a compensation. */
export type CompensableIn<T extends AgentTable> = {
  [K in keyof T]: HasCompensation<T[K]> extends true ? K : never;
}[keyof T] &
  string;

/** The schema of what an agent receives or returns for one task kind. */
export function contractSchema(
  contract: AgentContract,
  kind: TaskKind,
  part: 'input' | 'output',
): z.ZodType | undefined {
  return kind === 'run' ? contract[part] : contract.compensation?.[part];
}
