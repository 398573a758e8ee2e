// `baton`: the command line for people at a gate, for any registered workflow (the web console
// does the same):
//   baton pending                       workflows waiting for a person
//   baton status <workflowId>           the full state of one workflow
//   baton decide <workflowId> <option> --by <name> [--reason <text>] [--changes <json>]
//       options: approve | decline | approve-with-changes (approval gates);
//                retry | correct-input | supply-output | abandon (a failed step);
//                or a workflow's own, as its gate lists them (a bill's pay-now | postpone | dispute)
//   baton resolve <workflowId> --by <name> [--note <text>]   close an escalated problem
//   baton hash-password                 read a password on stdin, print its hash for BATON_CONSOLE_USERS
import { Command, InvalidArgumentError, Option } from 'commander';
import { APPROVAL_OPTIONS, ATTENTION_OPTIONS, type GateOption } from '@baton/workflow-kit';
import { connectTemporal, decide, pending, resolve, status } from './decisions.js';
import { hashPassword } from './web/auth.js';

const program = new Command('baton').description('Decide what waits for a person, in any registered workflow.');

async function withClient<T>(fn: (client: Awaited<ReturnType<typeof connectTemporal>>['client']) => Promise<T>): Promise<void> {
  const { client, close } = await connectTemporal();
  try {
    console.log(JSON.stringify(await fn(client), null, 2));
  } finally {
    await close();
  }
}

/** `--changes '{"partySize":3}'`: the JSON object a decision with changes carries. */
function jsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('must be a JSON object, e.g. \'{"partySize":3}\'');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidArgumentError('must be a JSON object');
  return parsed as Record<string, unknown>;
}

program.command('pending').description('list workflows waiting for a person').action(() => withClient(pending));
program.command('status').argument('<workflowId>').description("show a workflow's state, steps and open gate").action((id: string) => withClient((c) => status(c, id)));
program
  .command('decide')
  .argument('<workflowId>')
  // A workflow's own options are valid too: the workflow checks the decision against its gate.
  .addArgument(program.createArgument('<decision>', `one of the open gate's options (${[...APPROVAL_OPTIONS, ...ATTENTION_OPTIONS].join(', ')}, or the workflow's own)`))
  .requiredOption('--by <name>', 'who decides (recorded with the decision)')
  .addOption(new Option('--reason <text>', 'why').default(''))
  .addOption(new Option('--changes <json>', 'with approve-with-changes: what changes, e.g. \'{"partySize":3}\'; with correct-input / supply-output: {"input": …} / {"output": …}').argParser(jsonObject))
  .description('decide the open gate of a workflow that waits for a person')
  .action((id: string, decision: GateOption, opts: { by: string; reason: string; changes?: Record<string, unknown> }) =>
    withClient(async (c) => {
      const after = await decide(c, id, { decision, decidedBy: opts.by, reason: opts.reason, ...(opts.changes ? { changes: opts.changes } : {}) });
      return { workflowId: id, decision, state: after.state };
    }),
  );

program
  .command('resolve')
  .argument('<workflowId>')
  .requiredOption('--by <name>', 'who dealt with it (recorded)')
  .addOption(new Option('--note <text>', 'what was done').default(''))
  .description('say that a problem the workflow escalated (e.g. a refund that failed) is dealt with')
  .action((id: string, opts: { by: string; note: string }) =>
    withClient(async (c) => ({ workflowId: id, state: (await resolve(c, id, { resolvedBy: opts.by, note: opts.note })).state })),
  );

program
  .command('hash-password')
  .description('read a password on stdin and print its scrypt hash, for BATON_CONSOLE_USERS')
  .action(async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
    if (!password) throw new Error('no password on stdin');
    console.log(await hashPassword(password));
  });

program.parseAsync().catch((err: unknown) => {
  console.error(`baton: ${(err as Error).message}`);
  process.exit(1);
});
