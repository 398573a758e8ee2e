// What the bench measures, each as one operation the load generator repeats: the floors (NATS
// request-reply, JetStream publish with ack, a Temporal workflow with one, six or thirteen plain
// activities: the last as many as a clean reservation runs)
// and Baton (one handoff through callAgent, the six-step chain, the full reservation).
import { randomUUID } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Client } from '@temporalio/client';
import { taskQueues } from '@baton/contracts';
import { reservationEvent } from '@baton/testkit';
import { BatonState, BatonWorkflowType, TemporalChangeVersion, startedWithPatches } from '@baton/workflow-kit/internal';
import {
  reservationWorkflowId,
  workflowTypes,
  type ReservationInput,
  type ReservationStatus,
  type ReservationRequested,
} from '@baton/workflow-reservation';
import { floorNames } from './floor/names.js';
import { OperationError, type Operation } from './load.js';

export type ScenarioId =
  | 'nats-rr'
  | 'js-publish'
  | 'temporal-1'
  | 'temporal-6'
  | 'temporal-13'
  | 'handoff'
  | 'chain-6'
  | 'reservation';

/** Activities a clean reservation runs (six handoffs, its audit records and state upkeep):
 *  ACTIVITY_TASK_SCHEDULED in bench/src/history-events.ts. Its floor runs as many plain ones. */
export const RESERVATION_ACTIVITIES = 13;

export interface Scenario {
  id: ScenarioId;
  kind: 'floor' | 'baton';
  title: string;
  /** The floor a Baton figure is divided by. */
  floor?: ScenarioId;
  /** Workflows per operation (0 for plain NATS operations), for CPU per 1,000 workflows. */
  workflows: number;
  op: Operation;
}

export interface ScenarioDeps {
  client: Client;
  nc: NatsConnection;
  js: JetStreamClient;
  /** Distinguishes this run's workflow ids and message ids from any earlier run on the stack. */
  runTag: string;
  payload: string;
}

/** Baton's workflow type for the bench chain (packages/workflows/src/workflows/bench.ts). */
const BENCH_CHAIN_WORKFLOW = 'benchChainWorkflow';
/** A bench workflow that somehow never finishes must not stay around for days. */
const WORKFLOW_EXECUTION_TIMEOUT = '10 minutes';

export function scenarios(deps: ScenarioDeps): Scenario[] {
  const { client, nc, js, runTag, payload } = deps;
  const bytes = new TextEncoder().encode(payload);
  const chain =
    (id: ScenarioId, workflowType: string, taskQueue: string, steps: number): Operation =>
    async (seq) => {
      const workflowId = `bench-${id}-${runTag}-${seq}`;
      const result = await client.workflow.execute<
        (input: { steps: number; text: string }) => Promise<{ text: string; steps: number }>
      >(workflowType, {
        taskQueue,
        workflowId,
        args: [{ steps, text: payload }],
        workflowExecutionTimeout: WORKFLOW_EXECUTION_TIMEOUT,
        // As the gateway starts a run: with the kit's settled patches, so it records no marker.
        ...(workflowType === BENCH_CHAIN_WORKFLOW
          ? { typedSearchAttributes: [{ key: TemporalChangeVersion, value: startedWithPatches() }] }
          : {}),
      });
      if (result.text !== payload || result.steps !== steps)
        throw new OperationError(`${workflowId} returned something other than its input`);
      return workflowId;
    };
  return [
    {
      id: 'nats-rr',
      kind: 'floor',
      title: 'NATS request-reply',
      workflows: 0,
      op: async () => {
        await nc.request(floorNames.echoSubject, bytes, { timeout: 10_000 });
      },
    },
    {
      id: 'js-publish',
      kind: 'floor',
      title: 'JetStream publish + ack',
      workflows: 0,
      op: async (seq) => {
        // With a message id, as every Baton publish has one (deduplication costs a lookup).
        await js.publish(floorNames.streamSubject, bytes, { msgID: `${runTag}-${seq}` });
      },
    },
    {
      id: 'temporal-1',
      kind: 'floor',
      title: 'Temporal, 1 plain activity',
      workflows: 1,
      op: chain('temporal-1', floorNames.workflowType, floorNames.taskQueue, 1),
    },
    {
      id: 'temporal-6',
      kind: 'floor',
      title: 'Temporal, 6 plain activities',
      workflows: 1,
      op: chain('temporal-6', floorNames.workflowType, floorNames.taskQueue, 6),
    },
    {
      id: 'handoff',
      kind: 'baton',
      title: 'Baton, 1 handoff (callAgent)',
      floor: 'temporal-1',
      workflows: 1,
      op: chain('handoff', BENCH_CHAIN_WORKFLOW, taskQueues.orchestrator, 1),
    },
    {
      id: 'chain-6',
      kind: 'baton',
      title: 'Baton, 6-step chain',
      floor: 'temporal-6',
      workflows: 1,
      op: chain('chain-6', BENCH_CHAIN_WORKFLOW, taskQueues.orchestrator, 6),
    },
    {
      id: 'temporal-13',
      kind: 'floor',
      title: `Temporal, ${RESERVATION_ACTIVITIES} plain activities`,
      workflows: 1,
      op: chain('temporal-13', floorNames.workflowType, floorNames.taskQueue, RESERVATION_ACTIVITIES),
    },
    {
      id: 'reservation',
      kind: 'baton',
      title: 'Baton, reservation workflow',
      floor: 'temporal-13',
      workflows: 1,
      op: reservationOp(client),
    },
  ];
}

/**
 * A clean reservation (no allergy, party of 2, so no person is asked) for a slot of its own: the
 * simulated restaurant has 12 tables per slot, and a bench that reused slots would measure the
 * "no table" path instead. Started the way the gateway starts it.
 */
function reservationOp(client: Client): Operation {
  return async () => {
    const event = cleanReservationEvent();
    const workflowId = reservationWorkflowId(event.idempotencykey, event.source);
    const input: ReservationInput = { event };
    const status = await client.workflow.execute<(input: ReservationInput) => Promise<ReservationStatus>>(
      workflowTypes.reservation,
      {
        taskQueue: taskQueues.orchestrator,
        workflowId,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowExecutionTimeout: WORKFLOW_EXECUTION_TIMEOUT,
        typedSearchAttributes: [
          { key: BatonWorkflowType, value: 'reservation' },
          { key: BatonState, value: 'Received' },
          { key: TemporalChangeVersion, value: startedWithPatches() },
        ],
      },
    );
    if (status.state !== 'Confirmed')
      throw new OperationError(`${workflowId} ended "${status.state}": ${status.failure ?? 'no failure recorded'}`);
    return workflowId;
  };
}

let nextSlot = 0;

/** A reservation.requested.v1 event that ends "Confirmed" without a person: see reservationOp. */
export function cleanReservationEvent(): ReservationRequested {
  const { date, time } = uniqueSlot(nextSlot++);
  return reservationEvent(`Table for 2 on ${date} at ${time}, window seat if possible`);
}

/** Distinct (date, time) slots: one per minute of the day, then the next day. */
function uniqueSlot(n: number): { date: string; time: string } {
  // Away from the dates the other suites use, and inside the booking horizon (90 days from the
  // test events' receivedOn, 2026-11-23): 2027-01-01 onwards, 1,440 slots a day.
  const day = new Date(Date.UTC(2027, 0, 1) + Math.floor(n / 1440) * 86_400_000);
  const minute = n % 1440;
  return {
    date: day.toISOString().slice(0, 10),
    time: `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`,
  };
}

export function newRunTag(): string {
  return randomUUID().slice(0, 8);
}
