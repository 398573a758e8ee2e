// The demo: every Baton service on the local stack, and five reservation requests from an
// "existing system" through the HTTP webhook: a clean one, an allergy one (a person approves it
// with the CLI), one intake cannot read (it waits at an attention gate; a person gives the reading
// with the CLI), the same event sent twice, and a malformed one. Then one run of each other
// process: a support escalation, a contract review, a correction that teaches intake, the day's
// digest. Prints what happened to each and where to look.
import { execa } from 'execa';
import {
  ServiceSet,
  consoleUsers,
  daysAfter,
  deadLetters,
  newTraceparent,
  postEvent,
  repoRoot,
  reservationEvent,
  stackEnv,
  temporalClient,
  testBus,
  todayUtc,
  waitFor,
} from '@baton/testkit';
import { statusQuery } from '@baton/workflow-kit';
import { terminalReservationStates, type ReservationState, type ReservationStatus } from '@baton/workflow-reservation';
import { showDigest } from './digest.js';
import { showCorrection } from './corrections.js';

const env = stackEnv();
const line = (text = '') => console.log(text);
const uiLink = (workflowId: string) =>
  `${env.BATON_TEMPORAL_UI_URL}/namespaces/${env.BATON_TEMPORAL_NAMESPACE}/workflows/${encodeURIComponent(workflowId)}`;
// The trace UI of the local stack (Zipkin): the page of one request's trace.
const traceLink = (traceId: string) => `${env.BATON_ZIPKIN_URL}/zipkin/traces/${traceId}`;

line('demo: starting the Baton services (gateway, orchestrator, console, the agents, three simulators)');
const services = await ServiceSet.start(undefined, { hosted: true });
const temporal = await temporalClient();
const bus = await testBus('demo');

async function waitForState(workflowId: string, wanted: (s: ReservationState) => boolean): Promise<ReservationStatus> {
  const handle = temporal.workflow.getHandle(workflowId);
  return waitFor(
    `${workflowId} to settle`,
    async () => {
      const status = (await handle.query(statusQuery)) as ReservationStatus;
      return wanted(status.state) ? status : undefined;
    },
    { timeoutMs: 60_000 },
  );
}

function report(title: string, fields: Record<string, string | undefined>) {
  line();
  line(`== ${title}`);
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) line(`   ${k.padEnd(10)} ${v}`);
}

async function send(text: string) {
  const { traceparent, traceId } = newTraceparent();
  const event = reservationEvent(text);
  const answer = await postEvent(event, { traceparent });
  return { event, traceId, answer, workflowId: String(answer.body.workflowId) };
}

try {
  // 1. A clean request: booked and confirmed with nobody asked.
  const clean = await send('Table for 2, Saturday 8pm');
  const cleanDone = await waitForState(clean.workflowId, (s) => terminalReservationStates.has(s));
  report(`clean request: "${clean.event.data.text}"`, {
    outcome: `${cleanDone.state}: table ${cleanDone.booking?.tableId}, reservation ${cleanDone.booking?.reservationId}`,
    workflow: `${clean.workflowId}  ${uiLink(clean.workflowId)}`,
    trace: `${clean.traceId}  ${traceLink(clean.traceId)}`,
  });

  // 2. The allergy request waits for a person; the manager approves it from the CLI.
  const allergy = await send('Table for 4, Friday 7pm, customer is a regular, allergic to shellfish');
  const waiting = await waitForState(
    allergy.workflowId,
    (s) => s === 'Awaiting approval' || terminalReservationStates.has(s),
  );
  const cli = [
    '--conditions=baton-source',
    '--import',
    'tsx',
    'services/console/src/cli.ts',
    'decide',
    allergy.workflowId,
    'approve',
    '--by',
    consoleUsers.manager.username,
    '--reason',
    'kitchen briefed on shellfish',
  ];
  // The CLI decides as a console user: it signs in with the decision, and the role is the account's.
  const asManager = { ...process.env, BATON_CONSOLE_PASSWORD: consoleUsers.manager.password };
  line();
  line(
    `   allergy request is "${waiting.state}" (${waiting.safety?.reasons.map((r) => r.code).join(', ')}); approving:`,
  );
  line(
    `   $ BATON_CONSOLE_PASSWORD=… pnpm baton decide ${allergy.workflowId} approve --by ${consoleUsers.manager.username} --reason "kitchen briefed on shellfish"`,
  );
  await execa('node', cli, { cwd: repoRoot, stdio: 'inherit', timeout: 60_000, env: asManager });
  const allergyDone = await waitForState(allergy.workflowId, (s) => terminalReservationStates.has(s));
  report(`allergy request: "${allergy.event.data.text}"`, {
    outcome: `${allergyDone.state} after approval by ${allergyDone.decision?.decidedBy}: table ${allergyDone.booking?.tableId}`,
    workflow: `${allergy.workflowId}  ${uiLink(allergy.workflowId)}`,
    trace: `${allergy.traceId}  ${traceLink(allergy.traceId)}`,
  });

  // 3. A request intake cannot read waits for a person, who gives the reading (never a silent Failed).
  const vague = await send('Hello! We would love to come by with the family some evening soon.');
  const stuck = await waitForState(
    vague.workflowId,
    (s) => s === 'Needs attention' || terminalReservationStates.has(s),
  );
  const reading = {
    partySize: 5,
    date: daysAfter(todayUtc(), 16),
    time: '19:00',
    customer: { ...vague.event.data.customer, regular: false },
    allergies: [],
    notes: vague.event.data.text,
  };
  line();
  line(
    `   unreadable request is "${stuck.state}" (${stuck.gate?.gateType}: ${stuck.steps.at(-1)?.error}); a host called back and fills it in:`,
  );
  line(
    `   $ BATON_CONSOLE_PASSWORD=… pnpm baton decide ${vague.workflowId} supply-output --by ${consoleUsers.manager.username} --reason "called the guest back" --changes '{"output":{…}}'`,
  );
  await execa(
    'node',
    [
      '--conditions=baton-source',
      '--import',
      'tsx',
      'services/console/src/cli.ts',
      'decide',
      vague.workflowId,
      'supply-output',
      '--by',
      consoleUsers.manager.username,
      '--reason',
      'called the guest back',
      '--changes',
      JSON.stringify({ output: reading }),
    ],
    {
      cwd: repoRoot,
      env: asManager,
      stdio: 'inherit',
      timeout: 60_000,
    },
  );
  const vagueDone = await waitForState(vague.workflowId, (s) => terminalReservationStates.has(s));
  report(`unreadable request: "${vague.event.data.text}"`, {
    outcome: `${vagueDone.state} after a person gave the reading: ${vagueDone.request?.partySize} guests on ${vagueDone.request?.date} at ${vagueDone.request?.time}`,
    workflow: `${vague.workflowId}  ${uiLink(vague.workflowId)}`,
    trace: `${vague.traceId}  ${traceLink(vague.traceId)}`,
  });

  // 4. The same event twice: one workflow.
  const dupEvent = reservationEvent('Table for 3, Sunday 1pm');
  const first = await postEvent(dupEvent);
  const second = await postEvent(dupEvent);
  const dupId = String(first.body.workflowId);
  const dupDone = await waitForState(dupId, (s) => terminalReservationStates.has(s));
  let runs = 0;
  for await (const _ of temporal.workflow.list({ query: `WorkflowId = "${dupId}"` })) runs++;
  report('duplicate: the same event sent twice', {
    outcome: `${runs} workflow, ${dupDone.state}; second send answered duplicate=${String(second.body.duplicate)}`,
    workflow: `${dupId}  ${uiLink(dupId)}`,
    trace: `${String(first.body.traceId)}  ${traceLink(String(first.body.traceId))}`,
  });

  // 5. A malformed event: no workflow, one dead letter with the reason.
  const before = (await deadLetters(bus)).length;
  const bad = await postEvent({
    ...reservationEvent('Table for 2, Friday 8pm'),
    specversion: '0.3',
    data: { text: '' },
  });
  const letters = await waitFor('the dead letter', async () => {
    const all = await deadLetters(bus);
    return all.length > before ? all.slice(before) : undefined;
  });
  report('malformed event', {
    outcome: `refused with HTTP ${bad.status}; no workflow started`,
    'dead letter': `baton.dlq.${letters[0]?.rejectedBy}: ${letters[0]?.reason}`,
  });

  await (await import('./support.js')).supportDemo(temporal);
  await (await import('./contract-review.js')).contractReviewDemo(temporal);
  await showCorrection(temporal, report);
  await showDigest(temporal, report);

  line();
  line(
    `Approvals:   ${env.BATON_CONSOLE_URL}/inbox   (sign in as ${consoleUsers.manager.username} / ${consoleUsers.manager.password}, or ${consoleUsers.host.username} / ${consoleUsers.host.password})`,
  );
  line(
    `Operations:  ${env.BATON_CONSOLE_URL}/ops   (operators: ${consoleUsers.operator.username} / ${consoleUsers.operator.password})`,
  );
  line(
    `Temporal UI: ${env.BATON_TEMPORAL_UI_URL}   (signed in to the console as an operator; filter: BatonState = "Confirmed")`,
  );
  line(
    `             payloads are encrypted; the UI decodes them through the console (${env.BATON_CONSOLE_URL}/codec) for an operator`,
  );
  line(
    `Traces:      ${env.BATON_ZIPKIN_URL}/zipkin/   (Zipkin; JSON: ${env.BATON_ZIPKIN_URL}/api/v2/trace/<trace id>)`,
  );
  line('The stack keeps running for inspection; stop it with: bash infra/stack.sh stop');
  if (process.stdin.isTTY) {
    // In a terminal, keep the services (console, webhook, agents) up to look around.
    line('The services keep running too; press Ctrl-C to stop them.');
    await new Promise((resolve) => process.once('SIGINT', resolve));
  }
} finally {
  await services.stop();
  await temporal.close();
  await bus.close();
}
