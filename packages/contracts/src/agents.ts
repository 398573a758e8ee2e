// Input and output of every agent, and of its compensation where it has one. The workflow's
// callAgent and the agent runtime both type themselves from this one table.
import { z } from 'zod';
import { ReservationRequest, ReservationRequestedData } from './reservation.js';

export const TableHold = z.object({
  holdId: z.string().min(1),
  tableId: z.string().min(1),
  seats: z.number().int().positive(),
});
export type TableHold = z.infer<typeof TableHold>;

export const SafetyAssessment = z.object({
  /** True when a person must decide before anything irreversible happens. */
  needsReview: z.boolean(),
  reasons: z.array(z.object({ code: z.string().min(1), detail: z.string() })),
});
export type SafetyAssessment = z.infer<typeof SafetyAssessment>;

export const Booking = z.object({ reservationId: z.string().min(1), tableId: z.string().min(1) });
export type Booking = z.infer<typeof Booking>;

export const NoticeKind = z.enum(['confirmed', 'declined', 'expired', 'cancelled']);
export type NoticeKind = z.infer<typeof NoticeKind>;

export const Deposit = z.object({ chargeId: z.string().min(1), amountCents: z.number().int().positive() });
export type Deposit = z.infer<typeof Deposit>;

export const agentContracts = {
  intake: {
    input: ReservationRequestedData,
    output: ReservationRequest,
  },
  availability: {
    input: z.object({ request: ReservationRequest }),
    output: TableHold,
    compensation: { input: z.object({ holdId: z.string().min(1) }), output: z.object({ released: z.boolean() }) },
  },
  safety: {
    input: z.object({ request: ReservationRequest, originalText: z.string() }),
    output: SafetyAssessment,
  },
  payment: {
    input: z.object({ request: ReservationRequest, amountCents: z.number().int().positive() }),
    output: Deposit,
    compensation: { input: z.object({ chargeId: z.string().min(1) }), output: z.object({ refunded: z.boolean() }) },
  },
  booking: {
    input: z.object({ request: ReservationRequest, hold: TableHold }),
    output: Booking,
  },
  notifier: {
    input: z.object({ request: ReservationRequest, kind: NoticeKind, reservationId: z.string().optional() }),
    output: z.object({ messageId: z.string().min(1) }),
  },
  /** Benchmark fixture (services/echo, bench/): returns its input, so a handoff measures Baton alone. */
  echo: {
    input: z.object({ text: z.string().max(65_536) }),
    output: z.object({ text: z.string().max(65_536) }),
  },
  concierge: {
    input: z.object({ text: z.string().min(1).max(4000) }),
    output: z.object({ reply: z.string().min(1).max(4000) }),
  },
} as const;

export type AgentName = keyof typeof agentContracts;
export const AgentName = z.enum(Object.keys(agentContracts) as [AgentName, ...AgentName[]]);

type Contract = { input: z.ZodType; output: z.ZodType; compensation?: { input: z.ZodType; output: z.ZodType } };
type ContractOf<A extends AgentName> = (typeof agentContracts)[A] & Contract;
export type AgentInput<A extends AgentName> = z.input<ContractOf<A>['input']>;
export type AgentOutput<A extends AgentName> = z.output<ContractOf<A>['output']>;
/** What a handler receives: the input after validation (defaults applied). */
export type AgentParsedInput<A extends AgentName> = z.output<ContractOf<A>['input']>;
export type CompensableAgent = {
  [A in AgentName]: (typeof agentContracts)[A] extends { compensation: unknown } ? A : never;
}[AgentName];
export type CompensationInput<A extends CompensableAgent> = z.input<(typeof agentContracts)[A]['compensation']['input']>;
export type CompensationParsedInput<A extends CompensableAgent> = z.output<(typeof agentContracts)[A]['compensation']['input']>;
export type CompensationOutput<A extends CompensableAgent> = z.output<(typeof agentContracts)[A]['compensation']['output']>;

/** The schema of what an agent receives or returns for one task kind. */
export function agentSchema(agent: AgentName, kind: TaskKind, part: 'input' | 'output'): z.ZodType | undefined {
  const contract: Contract = agentContracts[agent];
  return kind === 'run' ? contract[part] : contract.compensation?.[part];
}

export const TaskKind = z.enum(['run', 'compensate']);
export type TaskKind = z.infer<typeof TaskKind>;
