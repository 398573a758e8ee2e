// `baton`: the command line for people at a gate, for any registered workflow (the web console
// does the same):
//   baton pending                       workflows waiting for a person (Temporal visibility: no worker needed)
//   baton status <workflowId>           the full state of one workflow (closed: its outcome, from its history;
//                                       running with no orchestrator answering in 3 s: says so, exit 1)
//   baton decide <workflowId> <option> --by <username> [--digest <digest>] [--reason <text>] [--changes <json>]
//       sent through the console as that person (BATON_CONSOLE_URL; the password from
//       BATON_CONSOLE_PASSWORD or --password-file): the role is their account's, checked there.
//       It shows the open gate first (on stderr) and the decision names that gate and its digest,
//       so a gate that changed since is refused; --digest binds it to a digest read earlier
//       (`baton status`) instead
//       options: approve | decline | approve-with-changes (approval gates);
//                retry | correct-input | supply-output | abandon (a failed step);
//                or a workflow's own, as its gate lists them (a bill's pay-now | postpone | dispute)
//   baton resolve <workflowId> --by <username> [--note <text>]   close an escalated problem, through
//       the console as that person (password as for decide; the role is their account's)
//   baton hash-password                 read a password on stdin, print its hash for BATON_CONSOLE_USERS
//   baton schedule list | show <id>     the schedules workflows declare (the daily digest), with their next firings
//   baton schedule set-time <id> <HH:MM> [--timezone <iana>]   fire at another time of day
//   baton schedule pause <id> --by <name> [--reason <text>]  |  baton schedule resume <id> --by <name>
//   baton schedule trigger <id>         fire once now
//   baton corrections list              corrections people made to agents' readings (in force and revoked)
//   baton corrections revoke <id> --by <name> [--reason <text>]   stop using one (it stays in the record)
//   baton events send | tail | replay | sources   send and inspect events as a publisher (events-cli.ts)
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  APPROVAL_OPTIONS,
  ATTENTION_OPTIONS,
  describeSchedule,
  parseTimeOfDay,
  setScheduleTime,
  type GateOption,
} from '@baton/workflow-kit/internal';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { BaseServiceConfig, loadConfig, natsSeedOf } from '@baton/contracts';
import { connectBus } from '@baton/bus';
import { CorrectionStore } from '@baton/corrections';
import { connectTemporal, pending, status } from './decisions.js';
import { hashPassword } from './web/auth.js';
import { registerEventsCommands } from './events-cli.js';

const program = new Command('baton').description('Decide what waits for a person, in any registered workflow.');

async function withClient<T>(
  fn: (client: Awaited<ReturnType<typeof connectTemporal>>['client']) => Promise<T>,
): Promise<void> {
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
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InvalidArgumentError('must be a JSON object');
  return parsed as Record<string, unknown>;
}

const CliConsoleConfig = z.object({
  BATON_CONSOLE_URL: z.url().default('http://127.0.0.1:8344'),
  /** The deciding person's console password (or --password-file). */
  BATON_CONSOLE_PASSWORD: z.string().min(1).optional(),
});

/** A request to the console's API, authenticated as the person acting. */
async function viaConsole(
  path: string,
  username: string,
  password: string,
  body?: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const { BATON_CONSOLE_URL } = loadConfig(CliConsoleConfig, process.env);
  const response = await fetch(new URL(path, BATON_CONSOLE_URL), {
    method: body ? 'POST' : 'GET',
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(30_000),
  });
  const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok)
    throw new Error(
      `the console refused (${response.status} ${String(answer.error ?? '')}): ${String(answer.reason ?? response.statusText)}`,
    );
  return answer;
}

function passwordOf(opts: { passwordFile?: string }): string {
  const password = opts.passwordFile
    ? readFileSync(opts.passwordFile, 'utf8').replace(/\r?\n$/, '')
    : loadConfig(CliConsoleConfig, process.env).BATON_CONSOLE_PASSWORD;
  if (!password) throw new Error('no password: set BATON_CONSOLE_PASSWORD or pass --password-file');
  return password;
}

interface ShownGate {
  gateId: string;
  gateType: string;
  digest: string;
  options: string[];
  payload: unknown;
}

program
  .command('pending')
  .description('list workflows waiting for a person')
  .action(() => withClient(pending));
program
  .command('status')
  .argument('<workflowId>')
  .description("show a workflow's state, steps and open gate")
  .action((id: string) => withClient((c) => status(c, id)));
program
  .command('decide')
  .argument('<workflowId>')
  // A workflow's own options are valid too: the workflow checks the decision against its gate.
  .addArgument(
    program.createArgument(
      '<decision>',
      `one of the open gate's options (${[...APPROVAL_OPTIONS, ...ATTENTION_OPTIONS].join(', ')}, or the workflow's own)`,
    ),
  )
  .requiredOption('--by <username>', 'who decides: a console user, who signs in with this request')
  .option('--password-file <path>', 'a file holding their console password (else BATON_CONSOLE_PASSWORD)')
  .option('--digest <digest>', 'decide only if the open gate still has this digest (as `baton status` showed it)')
  .addOption(new Option('--reason <text>', 'why').default(''))
  .addOption(
    new Option(
      '--changes <json>',
      'with approve-with-changes: what changes, e.g. \'{"partySize":3}\'; with correct-input / supply-output: {"input": …} / {"output": …}',
    ).argParser(jsonObject),
  )
  .description('decide the open gate of a workflow that waits for a person')
  .action(
    async (
      id: string,
      decision: GateOption,
      opts: { by: string; passwordFile?: string; digest?: string; reason: string; changes?: Record<string, unknown> },
    ) => {
      const password = passwordOf(opts);
      const path = encodeURIComponent(id);
      // What is decided, shown before deciding; the decision is bound to exactly this gate.
      const { gate } = (await viaConsole(`/api/gates/${path}`, opts.by, password)) as unknown as { gate: ShownGate };
      console.error(
        `deciding ${gate.gateType} gate ${gate.gateId} of ${id} (digest ${gate.digest}), options ${gate.options.join(' | ')}:\n${JSON.stringify(gate.payload, null, 2)}`,
      );
      if (opts.digest !== undefined && opts.digest !== gate.digest) {
        throw new Error(
          `the gate changed since you looked: its digest is now ${gate.digest}, not ${opts.digest}; look again (baton status ${id}) and decide on what it shows now`,
        );
      }
      const body = {
        gateId: gate.gateId,
        digest: gate.digest,
        decision,
        reason: opts.reason,
        ...(opts.changes ? { changes: opts.changes } : {}),
      };
      console.log(JSON.stringify(await viaConsole(`/api/decisions/${path}`, opts.by, password, body), null, 2));
    },
  );

program
  .command('resolve')
  .argument('<workflowId>')
  .requiredOption('--by <username>', 'who dealt with it: a console user, who signs in with this request')
  .option('--password-file <path>', 'a file holding their console password (else BATON_CONSOLE_PASSWORD)')
  .addOption(new Option('--note <text>', 'what was done').default(''))
  .description('say that a problem the workflow escalated (e.g. a refund that failed) is dealt with')
  .action(async (id: string, opts: { by: string; passwordFile?: string; note: string }) => {
    console.log(
      JSON.stringify(
        await viaConsole(`/api/resolutions/${encodeURIComponent(id)}`, opts.by, passwordOf(opts), { note: opts.note }),
        null,
        2,
      ),
    );
  });

const schedule = program
  .command('schedule')
  .description('the schedules workflows declare (e.g. the daily digest): list, change the time, pause, resume');
schedule
  .command('list')
  .description('every schedule with its times, state and next firings')
  .action(() =>
    withClient(async (c) => {
      const all: Array<Record<string, unknown>> = [];
      for await (const s of c.schedule.list())
        all.push(describeSchedule(await c.schedule.getHandle(s.scheduleId).describe()));
      return all;
    }),
  );
schedule
  .command('show')
  .argument('<scheduleId>')
  .description('one schedule')
  .action((id: string) => withClient(async (c) => describeSchedule(await c.schedule.getHandle(id).describe())));
schedule
  .command('set-time')
  .argument('<scheduleId>')
  .argument('<time>', 'the time of day, HH:MM', (value: string) => {
    try {
      return parseTimeOfDay(value);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  })
  .option('--timezone <iana>', "the time zone of <time> (default: the schedule's own)")
  .description('fire at another time of day')
  .action((id: string, at: { hour: number; minute: number }, opts: { timezone?: string }) =>
    withClient(async (c) => describeSchedule(await setScheduleTime(c, id, at, opts.timezone))),
  );
schedule
  .command('pause')
  .argument('<scheduleId>')
  .requiredOption('--by <name>', "who pauses it (recorded in the schedule's note)")
  .addOption(new Option('--reason <text>', 'why').default(''))
  .description('stop firing until resumed')
  .action((id: string, opts: { by: string; reason: string }) =>
    withClient(async (c) => {
      const handle = c.schedule.getHandle(id);
      await handle.pause(`paused by ${opts.by}${opts.reason ? `: ${opts.reason}` : ''}`);
      return describeSchedule(await handle.describe());
    }),
  );
schedule
  .command('resume')
  .argument('<scheduleId>')
  .requiredOption('--by <name>', "who resumes it (recorded in the schedule's note)")
  .description('fire again at its times')
  .action((id: string, opts: { by: string }) =>
    withClient(async (c) => {
      const handle = c.schedule.getHandle(id);
      await handle.unpause(`resumed by ${opts.by}`);
      return describeSchedule(await handle.describe());
    }),
  );
schedule
  .command('trigger')
  .argument('<scheduleId>')
  .description('fire once now (its workflow still sends at most once a day)')
  .action((id: string) =>
    withClient(async (c) => {
      await c.schedule.getHandle(id).trigger();
      return { scheduleId: id, triggered: true };
    }),
  );

/** The CLI's NATS identity: BATON_NATS_NKEY_SEED(_FILE) when given; on the local stack, else the
 *  operators' identity the stack wrote into its state folder (<state>/identities/admin.nk). */
function cliSeed(config: z.output<typeof BaseServiceConfig>): string | undefined {
  const given = natsSeedOf(config);
  if (given) return given;
  const stateDir =
    process.env.BATON_STATE_DIR ??
    join(fileURLToPath(new URL('../../../.baton/', import.meta.url)), process.env.BATON_PROFILE ?? 'demo');
  const local = join(stateDir, 'identities', 'admin.nk');
  return existsSync(local) ? readFileSync(local, 'utf8').trim() : undefined;
}

async function withCorrections<T>(fn: (store: CorrectionStore) => Promise<T>): Promise<void> {
  const config = loadConfig(BaseServiceConfig);
  const seed = cliSeed(config);
  const bus = await connectBus({
    servers: config.BATON_NATS_URL,
    replicas: config.BATON_NATS_REPLICAS,
    name: 'baton-cli',
    ...(seed ? { nkeySeed: seed } : {}),
  });
  try {
    console.log(JSON.stringify(await fn(await CorrectionStore.open(bus)), null, 2));
  } finally {
    await bus.close();
  }
}
const corrections = program
  .command('corrections')
  .description("what people corrected in agents' readings at gates, used for similar inputs since");
corrections
  .command('list')
  .description('every correction, newest first, in force or revoked')
  .action(() => withCorrections((store) => store.list()));
corrections
  .command('revoke')
  .argument('<correctionId>')
  .requiredOption('--by <name>', 'who revokes it (audited)')
  .addOption(new Option('--reason <text>', 'why').default(''))
  .description('stop using a correction; it stays in the record, marked revoked')
  .action((id: string, opts: { by: string; reason: string }) =>
    withCorrections((store) => store.revoke(id, opts.by, opts.reason)),
  );

program
  .command('hash-password')
  .description('read a password on stdin and print its scrypt hash, for BATON_CONSOLE_USERS')
  .action(async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    const password = Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
    if (!password) throw new Error('no password on stdin');
    console.log(await hashPassword(password));
  });

registerEventsCommands(program, cliSeed);

program.parseAsync().catch((err: unknown) => {
  console.error(`baton: ${(err as Error).message}`);
  process.exit(1);
});
