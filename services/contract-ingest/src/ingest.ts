// Ingest: the contract's text goes into the JetStream object store once; every later step gets
// the small reference (key, digest, size, a summary), never the document itself.
import { z } from 'zod';
import { defineAgent } from '@baton/agent';
import { contractReviewAgents } from '@baton/workflow-contract-review/contracts';
import { ContractFaultConfig, injectFault } from '@baton/workflow-contract-review/agent-support';

export const IngestConfig = ContractFaultConfig;

/** The text as the review reads it: line endings and trailing spaces normalised, nothing else. */
export function normalise(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+\n/g, '\n')
    .trim();
}

export function ingestAgent(config: z.output<typeof IngestConfig>) {
  return defineAgent(contractReviewAgents['contract-ingest'], {
    async handle({ contractId, title, text }, ctx) {
      injectFault('contract-ingest', config.BATON_CONTRACT_FAULT_RATE);
      const body = normalise(text);
      const words = body.split(/\s+/).filter(Boolean).length;
      // The summary names the document, never quotes it: the text may be confidential.
      const document = await ctx.artifacts.put({
        name: 'contract.txt',
        data: body,
        summary: `${title} (${contractId}): ${words} words`,
      });
      ctx.span.setAttribute('baton.contract.words', words);
      return { document, words, characters: body.length };
    },
  });
}
