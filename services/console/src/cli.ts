// `baton`: the command line for people at a gate, for any registered workflow (the web console
// does the same):
//   baton pending                       workflows waiting for a person
//   baton status <workflowId>           the full state of one workflow
//   baton decide <workflowId> <option> --by <username> [--reason <text>] [--changes <json>]
//       sent through the console as that person (BATON_CONSOLE_URL; the password from
//       BATON_CONSOLE_PASSWORD or --password-file): the role is their account's, checked there
//       options: approve | decline | approve-with-changes (approval gates);
//                retry | correct-input | supply-output | abandon (a failed step)
//   baton resolve <workflowId> --by <name> [--note <text>]   close an escalated problem
//   baton hash-password                 read a password on stdin, print its hash for BATON_CONSOLE_USERS
import { Command, InvalidArgumentError, Option } from 'commander';
import { APPROVAL_OPTIONS, ATTENTION_OPTIONS, type GateOption } from '@baton/workflow-kit';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { loadConfig } from '@baton/contracts';
import { connectTemporal, pending, resolve, status } from './decisions.js';
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

const CliConsoleConfig = z.object({
  BATON_CONSOLE_URL: z.url().default('http://127.0.0.1:8344'),
  /** The deciding person's console password (or --password-file). */
  BATON_CONSOLE_PASSWORD: z.string().min(1).optional(),
});

/** A decision through the console's API, authenticated as the person deciding. */
async function decideViaConsole(workflowId: string, username: string, password: string, body: Record<string, unknown>): Promise<unknown> {
  const { BATON_CONSOLE_URL } = loadConfig(CliConsoleConfig, process.env);
  const response = await fetch(new URL(`/api/decisions/${encodeURIComponent(workflowId)}`, BATON_CONSOLE_URL), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) throw new Error(`the console refused (${response.status} ${String(answer.error ?? '')}): ${String(answer.reason ?? response.statusText)}`);
  return answer;
}

program.command('pending').description('list workflows waiting for a person').action(() => withClient(pending));
program.command('status').argument('<workflowId>').description("show a workflow's state, steps and open gate").action((id: string) => withClient((c) => status(c, id)));
program
  .command('decide')
  .argument('<workflowId>')
  .addArgument(program.createArgument('<decision>').choices([...APPROVAL_OPTIONS, ...ATTENTION_OPTIONS]))
  .requiredOption('--by <username>', 'who decides: a console user, who signs in with this request')
  .option('--password-file <path>', 'a file holding their console password (else BATON_CONSOLE_PASSWORD)')
  .addOption(new Option('--reason <text>', 'why').default(''))
  .addOption(new Option('--changes <json>', 'with approve-with-changes: what changes, e.g. \'{"partySize":3}\'; with correct-input / supply-output: {"input": …} / {"output": …}').argParser(jsonObject))
  .description('decide the open gate of a workflow that waits for a person')
  .action(async (id: string, decision: GateOption, opts: { by: string; passwordFile?: string; reason: string; changes?: Record<string, unknown> }) => {
    const password = opts.passwordFile ? readFileSync(opts.passwordFile, 'utf8').replace(/\r?\n$/, '') : loadConfig(CliConsoleConfig, process.env).BATON_CONSOLE_PASSWORD;
    if (!password) throw new Error('no password: set BATON_CONSOLE_PASSWORD or pass --password-file');
    console.log(JSON.stringify(await decideViaConsole(id, opts.by, password, { decision, reason: opts.reason, ...(opts.changes ? { changes: opts.changes } : {}) }), null, 2));
  });

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
