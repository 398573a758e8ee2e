// Filing: the reviewed contract goes into the records system once per review, whatever happens
// to the task. The filing carries the step's reference (its idempotency key), so an attempt whose
// outcome is unknown finds it there (GET /filings?reference=) instead of filing again.
import { z } from 'zod';
import { cancelReference, committedOf, defineAgent } from '@baton/agent';
import { contractReviewAgents, type Filing } from '@baton/workflow-contract-review/contracts';
import { ContractFaultConfig } from '@baton/workflow-contract-review/agent-support';

export const FilingConfig = ContractFaultConfig.extend({
  BATON_RECORDS_URL: z.url().default('http://127.0.0.1:8354'),
  BATON_RECORDS_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
});

export function filingAgent(config: z.output<typeof FilingConfig>) {
  return defineAgent(contractReviewAgents['contract-filing'], {
    // No injected fault here: the records system's own /_faults fails this step.
    async handle(input, ctx) {
      const reference = ctx.idempotencyKey;
      return ctx.effect(
        'file',
        (idempotencyKey) =>
          ctx.callExternal<Filing>({
            system: 'records',
            method: 'POST',
            url: `${config.BATON_RECORDS_URL}/filings`,
            body: {
              contractId: input.contractId,
              title: input.title,
              counterpartyId: input.counterparty.id,
              overallRisk: input.overallRisk,
              summary: input.draft.summary,
              redlines: input.draft.redlines.length,
              approvedBy: input.approvedBy ?? null,
              documentKey: input.document.key,
              reference,
            },
            idempotencyKey,
            timeoutMs: config.BATON_RECORDS_TIMEOUT_MS,
          }),
        {
          schema: contractReviewAgents['contract-filing'].output,
          // An earlier attempt's outcome is unknown: is it filed under our reference? Never file on a guess.
          reconcile: async () => {
            // Cancel what is still pending under our reference first: "not filed" is then final.
            const cancellation = await cancelReference(
              ctx,
              { system: 'records', baseUrl: config.BATON_RECORDS_URL, timeoutMs: config.BATON_RECORDS_TIMEOUT_MS },
              reference,
              'pending',
            );
            const [filed] = committedOf<{ filingId: string; reference: string }>(cancellation, 'filings');
            return filed ? { filingId: filed.filingId, reference: filed.reference } : undefined;
          },
        },
      );
    },
  });
}
