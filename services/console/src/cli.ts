// `baton`: the command line for people at an approval gate (the web console has the same).
//   baton pending                       reservations waiting for a person
//   baton status <workflowId>           the full state of one reservation
//   baton decide <workflowId> approve|decline --by <name> [--reason <text>]
//   baton resolve <workflowId> --by <name> [--note <text>]   close an escalated problem
//   baton hash-password                 read a password on stdin, print its hash for BATON_CONSOLE_USERS
import { Command, Option } from 'commander';
import { connectTemporal, decide, pending, resolve, status } from './decisions.js';
import { hashPassword } from './web/auth.js';

const program = new Command('baton').description('Decide reservations that wait for a person.');

async function withClient<T>(fn: (client: Awaited<ReturnType<typeof connectTemporal>>['client']) => Promise<T>): Promise<void> {
  const { client, close } = await connectTemporal();
  try {
    console.log(JSON.stringify(await fn(client), null, 2));
  } finally {
    await close();
  }
}

program.command('pending').description('list reservations awaiting approval').action(() => withClient(pending));
program.command('status').argument('<workflowId>').description("show a reservation's state, steps and context").action((id: string) => withClient((c) => status(c, id)));
program
  .command('decide')
  .argument('<workflowId>')
  .addArgument(program.createArgument('<decision>').choices(['approve', 'decline']))
  .requiredOption('--by <name>', 'who decides (recorded with the decision)')
  .addOption(new Option('--reason <text>', 'why').default(''))
  .description('approve or decline a reservation that awaits a person')
  .action((id: string, decision: 'approve' | 'decline', opts: { by: string; reason: string }) =>
    withClient(async (c) => {
      const after = await decide(c, id, { decision, decidedBy: opts.by, reason: opts.reason });
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
