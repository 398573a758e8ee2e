// The demo's contract review: a supply agreement with high-risk clauses goes through the six
// steps, waits at the approval gate with every clause and its risk, is approved from the CLI as
// legal would, and is filed once in the records system. Prints the outcome and where to look.
import { execa } from 'execa';
import type { Client } from '@temporalio/client';
import { consoleUsers, getJson, newTraceparent, postEvent, repoRoot, stackEnv, waitFor } from '@baton/testkit';
import { statusQuery } from '@baton/workflow-kit';
import {
  terminalContractReviewStates,
  type ContractReviewState,
  type ContractReviewStatus,
} from '@baton/workflow-contract-review';
import { RISKY_CONTRACT, contractEvent } from '@baton/workflow-contract-review/samples';

export async function contractReviewDemo(temporal: Client): Promise<void> {
  const env = stackEnv();
  const recordsUrl = process.env.BATON_RECORDS_URL ?? 'http://127.0.0.1:8354';
  const line = (text = '') => console.log(text);
  const until = (workflowId: string, wanted: (s: ContractReviewState | string) => boolean) =>
    waitFor(
      `${workflowId} to settle`,
      async () => {
        const status = (await temporal.workflow.getHandle(workflowId).query(statusQuery)) as ContractReviewStatus;
        return wanted(status.state) ? status : undefined;
      },
      { timeoutMs: 90_000 },
    );

  const { traceparent, traceId } = newTraceparent();
  const event = contractEvent(RISKY_CONTRACT);
  const answer = await postEvent(event, { traceparent });
  const workflowId = String(answer.body.workflowId);
  const waiting = await until(workflowId, (s) => s === 'Awaiting approval' || terminalContractReviewStates.has(s));
  line();
  line(`   contract review is "${waiting.state}"; the approver sees each clause and its risk:`);
  for (const clause of waiting.risks ?? [])
    line(`     ${clause.clauseId.padEnd(4)} ${clause.risk.toUpperCase().padEnd(6)} ${clause.heading}`);
  // The CLI decides as a console user: it signs in with the decision, and the role is the account's.
  line(
    `   $ BATON_CONSOLE_PASSWORD=… pnpm baton decide ${workflowId} approve --by ${consoleUsers.manager.username} --reason "cap and indemnity redlines sent"`,
  );
  await execa(
    'node',
    [
      '--conditions=baton-source',
      '--import',
      'tsx',
      'services/console/src/cli.ts',
      'decide',
      workflowId,
      'approve',
      '--by',
      consoleUsers.manager.username,
      '--reason',
      'cap and indemnity redlines sent',
    ],
    {
      cwd: repoRoot,
      stdio: 'inherit',
      timeout: 60_000,
      env: { ...process.env, BATON_CONSOLE_PASSWORD: consoleUsers.manager.password },
    },
  );
  const done = await until(workflowId, (s) => terminalContractReviewStates.has(s));
  const filings = await getJson<Array<{ filingId: string }>>(
    `${recordsUrl}/filings?contractId=${encodeURIComponent(event.data.contractId)}`,
  );
  line();
  line(`== contract review: "${event.data.title}" with ${event.data.counterparty.name}`);
  line(
    `   outcome    ${done.state} after approval by ${done.decision?.decidedBy}: ${done.overallRisk} risk, ${done.draft?.redlines.length ?? 0} redlines, filing ${done.filing?.filingId} (${filings.length} in the records system)`,
  );
  line(
    `   workflow   ${workflowId}  ${env.BATON_TEMPORAL_UI_URL}/namespaces/${env.BATON_TEMPORAL_NAMESPACE}/workflows/${encodeURIComponent(workflowId)}`,
  );
  line(`   trace      ${traceId}  ${env.BATON_ZIPKIN_URL}/zipkin/traces/${traceId}`);
  line(`   document   ${done.document?.bucket}/${done.document?.key} (${done.document?.summary})`);
  line(`   filing     ${recordsUrl}/filings/${done.filing?.filingId}`);
}
