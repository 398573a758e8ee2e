// The account page: a signed-in person says where they are told that a gate waits for them
// (email, phone for SMS, a chat incoming-webhook) and when they are on duty (working hours). Kept in JetStream KV
// (bucket baton_accounts, one entry per person, replicated like every bucket: a restart or another console replica
// keeps it); the approver notifier prefers it to the channels BATON_CONSOLE_USERS gives the account.
// A person changes only their own entry.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Kvm, type KV } from '@nats-io/kv';
import {
  AccountChannels,
  AccountSettings,
  WorkingHours,
  accountSettingsKey,
  buckets,
  describeIssues,
} from '@baton/contracts';
import type { Bus } from '@baton/bus';
import type { Logger } from '@baton/telemetry';
import { layout } from './approval-pages.js';
import type { ConsoleUser, SignedIn } from './auth.js';
import { esc } from './pages.js';

/** Where people's own settings live. */
export interface AccountStore {
  get(username: string): Promise<AccountSettings | undefined>;
  put(username: string, settings: AccountSettings): Promise<void>;
}

/** The store in the baton_accounts bucket. */
export function kvAccountStore(bus: Bus): AccountStore {
  let kv: Promise<KV> | undefined;
  // Bound without a stream lookup: direct gets, as the bucket is made (the identity may not use MSG.GET).
  const bucket = () => (kv ??= new Kvm(bus.js).open(buckets.accounts, { allow_direct: true }));
  return {
    async get(username) {
      const entry = await (await bucket()).get(accountSettingsKey(username));
      if (!entry || entry.operation !== 'PUT' || entry.length === 0) return undefined;
      const parsed = AccountSettings.safeParse(entry.json());
      return parsed.success ? parsed.data : undefined;
    },
    async put(username, settings) {
      await (await bucket()).put(accountSettingsKey(username), JSON.stringify(settings));
    },
  };
}

export function accountPage(
  user: SignedIn,
  own: AccountSettings | undefined,
  configured: AccountChannels | undefined,
  csrf: string,
  flash?: { kind: 'ok' | 'error'; text: string },
): string {
  const channels = own?.channels ?? configured ?? {};
  const source = own
    ? `set by you (${esc(own.updatedAt)})`
    : configured && Object.keys(configured).length
      ? "from the console's configuration (BATON_CONSOLE_USERS), until you save your own"
      : 'none: you are told nothing and find what waits in the inbox';
  return layout(
    'your account',
    `${flash ? `<div class="flash ${flash.kind}" id="flash">${esc(flash.text)}</div>` : ''}
<p>Signed in as <strong>${esc(user.username)}</strong> (${esc(user.roles.join(', '))}). When a gate waits for one of your roles you are told on the channels below, with a link to the gate.</p>
<p id="channels-source">Your channels now: ${source}.</p>
<form method="post" action="/account" id="account"><fieldset><legend>Where you are told</legend>
 <input type="hidden" name="_csrf" value="${esc(csrf)}">
 <label>Email <input name="email" type="email" autocomplete="email" maxlength="254" value="${esc(channels.email)}"></label>
 <label>Phone for SMS (+ and digits, e.g. +4915112345678) <input name="phone" type="tel" autocomplete="tel" pattern="\\+[1-9][0-9]{6,14}" value="${esc(channels.phone)}"></label>
 <label>Chat incoming-webhook address (Slack, Teams) <input name="chatWebhookUrl" type="url" value="${esc(channels.chatWebhookUrl)}"></label>
 <p class="hint">Leave a field empty to not be told there. Empty them all to be told nowhere.</p>
 </fieldset><fieldset><legend>When you are on duty</legend>
 <p class="hint">Outside these hours you are not told; the next role on duty is. Leave both empty to be told at any hour.</p>
 <label>From <input name="from" type="time" value="${esc(own?.workingHours?.from)}"></label>
 <label>To <input name="to" type="time" value="${esc(own?.workingHours?.to)}"></label>
 <label>Time zone (e.g. Europe/Amsterdam; empty: the notifier's) <input name="timeZone" maxlength="64" value="${esc(own?.workingHours?.timeZone)}"></label>
 <button type="submit">Save</button></fieldset></form>`,
    user,
    csrf,
  );
}

/** The settings a form asks for: empty fields left out, each checked (AccountChannels,
 *  WorkingHours: both ends or neither). */
export function settingsFromForm(
  body: Record<string, string | undefined>,
): { ok: true; channels: AccountChannels; workingHours?: WorkingHours } | { ok: false; reason: string } {
  const filled = (keys: readonly string[]) =>
    Object.fromEntries(keys.flatMap((k) => (body[k]?.trim() ? [[k, body[k].trim()]] : [])));
  const channels = AccountChannels.safeParse(filled(['email', 'phone', 'chatWebhookUrl']));
  if (!channels.success) return { ok: false, reason: `Not saved: ${describeIssues(channels.error.issues)}` };
  const hours = filled(['from', 'to', 'timeZone']);
  if (!hours.from && !hours.to) return { ok: true, channels: channels.data };
  const workingHours = WorkingHours.safeParse(hours);
  if (!workingHours.success)
    return { ok: false, reason: `Not saved: working hours: ${describeIssues(workingHours.error.issues)}` };
  return { ok: true, channels: channels.data, workingHours: workingHours.data };
}

export function registerAccountRoutes(
  app: FastifyInstance,
  deps: { accounts?: AccountStore | undefined; logger: Logger; auth: { users: ConsoleUser[] } },
  helpers: {
    csrfCheck: (req: FastifyRequest, reply: FastifyReply, done: () => void) => void;
    user: (req: FastifyRequest) => SignedIn;
  },
): void {
  const configured = (username: string) => deps.auth.users.find((u) => u.username === username)?.channels;
  const html = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').send(body);
  app.get('/account', async (req, reply) => {
    const who = helpers.user(req);
    const query = req.query as { ok?: string; error?: string };
    const flash = query.error
      ? { kind: 'error' as const, text: query.error }
      : query.ok
        ? { kind: 'ok' as const, text: query.ok }
        : undefined;
    if (!deps.accounts)
      return html(
        reply.code(404),
        accountPage(who, undefined, configured(who.username), reply.generateCsrf(), {
          kind: 'error',
          text: 'This console keeps no account settings',
        }),
      );
    return html(
      reply,
      accountPage(who, await deps.accounts.get(who.username), configured(who.username), reply.generateCsrf(), flash),
    );
  });
  app.post('/account', { preHandler: helpers.csrfCheck }, async (req, reply) => {
    const who = helpers.user(req);
    if (!deps.accounts)
      return reply.code(404).send({ error: 'NO_ACCOUNT_SETTINGS', reason: 'this console keeps no account settings' });
    const read = settingsFromForm((req.body ?? {}) as Record<string, string | undefined>);
    if (!read.ok) return reply.redirect(`/account?error=${encodeURIComponent(read.reason)}`, 303);
    await deps.accounts.put(who.username, {
      channels: read.channels,
      ...(read.workingHours ? { workingHours: read.workingHours } : {}),
      updatedAt: new Date().toISOString(),
    });
    deps.logger.info(
      { username: who.username, channels: Object.keys(read.channels), workingHours: Boolean(read.workingHours) },
      'account settings saved',
    );
    return reply.redirect(
      `/account?ok=${encodeURIComponent('Saved: you are told on these channels from now on')}`,
      303,
    );
  });
}
