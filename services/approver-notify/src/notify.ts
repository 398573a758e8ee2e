// The approver notifier: when a gate opens, moves to its next tier, or an escalation waits, the
// people whose console account has the role that may decide now are told on their channels (SMS
// and email through the messaging provider, a chat incoming-webhook), once per gate, tier, person
// and channel. It reads the gate notices the workflow kit publishes (`gate.opened.v1`,
// `gate.escalated.v1` on baton.notices.gate.*), asks the workflow for its status (the gate still
// open at that tier, and the workflow's own inbox line), and sends.
//
// Once: every delivery is an effect in the idempotency ledger (packages/agent EffectLedger, the
// KV bucket agents use, under this service's own key prefix), keyed by gate, tier, person and
// channel, and the messaging call carries the same key, which the provider applies once. A
// delivery that fails fails the notice: the bus redelivers it with backoff, the deliveries already
// made are replayed from the ledger (not sent again), and each failure is counted.
import { z } from 'zod';
import { AccountChannels, jsonListField, onDuty, type AccountSettings, type ChannelKind } from '@baton/contracts';
import { AgentError, ExternalSystemError, callExternal, type EffectLedger } from '@baton/agent';
import { gateNoticeTypes, type GateNotice, type WorkflowStatus } from '@baton/workflow-kit/internal';
import type { Logger } from '@baton/telemetry';

/** The name of this service: its NATS identity, its durable consumer and its ledger key prefix. */
export const SERVICE = 'approver-notify';

/** A console account as this service sees it: who, which roles, where to reach them. The password
 *  hash in the same list is dropped unread. */
export const ApproverAccount = z.object({
  username: z.string().min(1).max(100),
  roles: z.array(z.string().min(1)).min(1),
  channels: AccountChannels.optional(),
});
export type ApproverAccount = z.infer<typeof ApproverAccount>;

/** BATON_CONSOLE_USERS, as the console reads it: a JSON array of accounts, or the path of a file
 *  that holds one. */
export const ApproverAccountsField = jsonListField(ApproverAccount, 'users');

export const ApproverNotifyConfig = z.object({
  /** Who is told: the console's accounts, with their roles and channels. */
  BATON_CONSOLE_USERS: ApproverAccountsField,
  /** The console's address as people reach it: the base of the link in every message. */
  BATON_CONSOLE_URL: z.url().default('http://127.0.0.1:8344'),
  BATON_MESSAGING_URL: z.url().default('http://127.0.0.1:8342'),
  BATON_MESSAGING_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  BATON_CHAT_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  /** Where the registered workflows live (their inbox line); default: the repository's workflows/. */
  BATON_WORKFLOWS_DIR: z.string().min(1).optional(),
  /** Bound on each Temporal call that reads a workflow's status (describe, then the status query). */
  BATON_APPROVER_NOTIFY_STATUS_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** How long a notice may be worked on without progress before it is redelivered. */
  BATON_APPROVER_NOTIFY_ACK_WAIT_MS: z.coerce.number().int().positive().default(30_000),
  /** When the daily digest of what waits goes out (HH:MM); unset: no digest. */
  BATON_APPROVER_NOTIFY_DIGEST_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time such as 08:00')
    .optional(),
  /** The zone of the digest's time and day (an IANA name); unset: the process's own. */
  BATON_APPROVER_NOTIFY_TIME_ZONE: z.string().min(1).optional(),
});
export type ApproverNotifyConfig = z.output<typeof ApproverNotifyConfig>;

/** A notice as stored on BATON_NOTICES (a CloudEvents envelope); only the gate data is read. */
export const GateNoticeEnvelope = z.object({
  type: z.string(),
  data: z.object({
    workflowId: z.string().min(1),
    workflowType: z.string().min(1),
    gateId: z.string().min(1),
    gateType: z.string().min(1),
    tier: z.number().int().min(0),
    role: z.string().min(1),
    digest: z.string(),
  }),
});
export type GateNoticeEnvelope = z.infer<typeof GateNoticeEnvelope>;

/** What the message says: the workflow type, the gate, the role now asked, the workflow's own
 *  inbox line (what every signed-in person sees there, never more), and the link. */
export interface GateMessage {
  notice: Pick<GateNotice, 'workflowId' | 'workflowType' | 'gateId' | 'gateType' | 'tier' | 'role'>;
  kind: 'approval' | 'attention';
  escalated: boolean;
  summary: string;
  link: string;
}

/** The console page of the workflow's open gate (sign-in still required there). */
export function gateLink(consoleUrl: string, workflowId: string): string {
  return `${consoleUrl.replace(/\/+$/, '')}/gates/${encodeURIComponent(workflowId)}`;
}

/** One line: what waits, for whom, and where. Short enough for one SMS with a typical gist. */
export function messageText(m: GateMessage): string {
  const what =
    m.kind === 'attention'
      ? `a ${m.notice.workflowType} needs a ${m.notice.role} to take over a failed step`
      : `a ${m.notice.workflowType} waits for a ${m.notice.role}'s decision (${m.notice.gateType})`;
  const why = m.escalated ? ' Nobody decided in time at the tier before.' : '';
  const gist = m.summary ? `: ${m.summary}.` : '.';
  return `Baton: ${what}${gist}${why} Open: ${m.link}`;
}

/** The email: a subject line, then the same words and the link. */
export function emailBody(m: GateMessage): string {
  const subject = `Subject: ${m.escalated ? 'Escalated: ' : ''}${m.notice.workflowType} ${m.kind === 'attention' ? 'needs attention' : 'waits for approval'}${m.summary ? ` (${m.summary})` : ''}`;
  return `${subject}\n\n${messageText(m)}\n\nSign in to the console to see the whole request and decide.`;
}

/** Every delivery of one notice: a person and one of their channels. */
export interface Delivery {
  username: string;
  channel: ChannelKind;
  address: string;
}

export function deliveriesFor(accounts: readonly ApproverAccount[], role: string): Delivery[] {
  return accounts
    .filter((a) => a.roles.includes(role))
    .flatMap((a) => {
      const c = a.channels ?? {};
      return [
        ...(c.phone ? [{ username: a.username, channel: 'sms' as const, address: c.phone }] : []),
        ...(c.email ? [{ username: a.username, channel: 'email' as const, address: c.email }] : []),
        ...(c.chatWebhookUrl ? [{ username: a.username, channel: 'chat' as const, address: c.chatWebhookUrl }] : []),
      ];
    });
}

/** The ledger key (and the provider's idempotency key) of one delivery: once per gate, tier,
 *  person and channel. */
export function deliveryKey(
  notice: Pick<GateNotice, 'gateId' | 'tier'>,
  delivery: Pick<Delivery, 'username' | 'channel'>,
): string {
  return `${notice.gateId}/tier/${notice.tier}/${delivery.username}/${delivery.channel}`;
}

/** Posts `{ "text" }` to a chat incoming-webhook. Any 2xx is delivered, whatever the body (Slack
 *  answers a plain `ok`); timeouts, 5xx and 429 may pass and are retried, other refusals are not. */
export async function postChat(url: string, text: string, idempotencyKey: string, timeoutMs: number): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify({ text }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new ExternalSystemError('chat', `POST failed: ${(err as Error).message}`);
  }
  // The address is a credential: never in a message. The answer's first words say why.
  const detail = (await response.text().catch(() => '')).slice(0, 200);
  if (response.ok) return;
  if (response.status >= 500 || response.status === 429 || response.status === 408)
    throw new ExternalSystemError('chat', `${response.status} ${detail}`);
  throw new AgentError(`HTTP_${response.status}`, `chat: ${response.status} ${detail}`, false);
}

/** The messaging provider's template for each channel it carries. */
export const TEMPLATES = { sms: 'approver-sms', email: 'approver-email' } as const;

export interface NotifierDeps {
  config: Pick<
    ApproverNotifyConfig,
    | 'BATON_CONSOLE_USERS'
    | 'BATON_CONSOLE_URL'
    | 'BATON_MESSAGING_URL'
    | 'BATON_MESSAGING_TIMEOUT_MS'
    | 'BATON_CHAT_WEBHOOK_TIMEOUT_MS'
  >;
  ledger: EffectLedger;
  /** The workflow's status now; undefined when it no longer exists. */
  statusOf(workflowId: string): Promise<WorkflowStatus | undefined>;
  /** The workflow's inbox line (its view's summary), '' when it has none. */
  summaryOf(status: WorkflowStatus): string;
  /** The time now (working hours are read against it); none: the clock. */
  now?(): Date;
  /** Roles the workflow definition names to tell as well for this gate type (GatePolicy.tell). */
  alsoTell?(gateType: string): readonly string[] | undefined;
  /** What the person set for themselves on the console's account page (bucket baton_accounts):
   *  their channels there win over BATON_CONSOLE_USERS'. None: the configured channels only. */
  settingsOf?(username: string): Promise<AccountSettings | undefined>;
  logger: Logger;
  /** Counts each delivery's outcome: sent, already sent (replayed from the ledger), failed. */
  count(channel: ChannelKind, outcome: 'sent' | 'replayed' | 'failed'): void;
}

/** Sends one text on one channel: the chat webhook, or the messaging provider (SMS, email). */
export function createSender(
  config: Pick<
    ApproverNotifyConfig,
    'BATON_MESSAGING_URL' | 'BATON_MESSAGING_TIMEOUT_MS' | 'BATON_CHAT_WEBHOOK_TIMEOUT_MS'
  >,
) {
  return async function send(
    delivery: Delivery,
    words: { text: string; email: string },
    idempotencyKey: string,
  ): Promise<{ messageId?: string }> {
    if (delivery.channel === 'chat') {
      // An incoming webhook knows no idempotency key: the ledger keeps repeats to a lost answer.
      await postChat(delivery.address, words.text, idempotencyKey, config.BATON_CHAT_WEBHOOK_TIMEOUT_MS);
      return {};
    }
    const body = delivery.channel === 'sms' ? words.text : words.email;
    return callExternal<{ messageId: string }>({
      system: 'messaging',
      method: 'POST',
      url: `${config.BATON_MESSAGING_URL}/messages`,
      body: { to: delivery.address, template: TEMPLATES[delivery.channel], body },
      idempotencyKey,
      timeoutMs: config.BATON_MESSAGING_TIMEOUT_MS,
    });
  };
}

/** Handles one notice: returns the deliveries made; throws (retryable) when any failed. */
export function createNotifier(deps: NotifierDeps) {
  const { config, ledger, logger } = deps;
  const sender = createSender(config);
  const send = (delivery: Delivery, message: GateMessage, idempotencyKey: string) =>
    sender(delivery, { text: messageText(message), email: emailBody(message) }, idempotencyKey);

  return async function handle(envelope: GateNoticeEnvelope): Promise<Delivery[]> {
    const escalated = envelope.type === gateNoticeTypes.escalated;
    if (envelope.type !== gateNoticeTypes.opened && !escalated) return [];
    const notice = envelope.data;
    const status = await deps.statusOf(notice.workflowId);
    const gate = status?.gate;
    // Decided, moved on or gone before we got to it: nobody is asked any more at this tier.
    if (!status || !gate || gate.gateId !== notice.gateId || gate.status !== 'open' || gate.tier !== notice.tier) {
      logger.info(
        { workflowId: notice.workflowId, gateId: notice.gateId, tier: notice.tier },
        'gate no longer waits at this tier; nobody told',
      );
      return [];
    }
    // Each person's own settings (channels, working hours; set in the console) before the
    // configured channels.
    const now = deps.now?.() ?? new Date();
    const people = await Promise.all(
      config.BATON_CONSOLE_USERS.map(async (account) => ({ account, own: await deps.settingsOf?.(account.username) })),
    );
    const onDutyIn = (role: string) =>
      people.filter((p) => p.account.roles.includes(role) && onDuty(p.own?.workingHours, now));
    // Who is told: the tier's role when one of them is on duty; else the next role of the gate's
    // tiers with someone on duty (it may decide now too); nobody on duty at all: the tier's role
    // regardless (someone must know). Plus the roles the definition names for the gate type.
    const dutyRole = gate.tiers
      .slice(notice.tier)
      .map((t) => t.role)
      .find((r) => onDutyIn(r).length > 0);
    const role = dutyRole ?? notice.role;
    if (role !== notice.role)
      logger.info(
        { gateId: notice.gateId, tier: notice.tier, role: notice.role, told: role },
        'nobody of the role is on duty: the next role on duty is told',
      );
    const roles = [role, ...(deps.alsoTell?.(notice.gateType) ?? [])];
    const told = people
      .filter((p) => p.account.roles.some((r) => roles.includes(r)) && (!dutyRole || onDuty(p.own?.workingHours, now)))
      .map((p) => ({ ...p.account, roles: [role], ...(p.own ? { channels: p.own.channels } : {}) }));
    const deliveries = deliveriesFor(told, role);
    const message: GateMessage = {
      notice: { ...notice, role },
      kind: gate.kind,
      escalated,
      summary: deps.summaryOf(status),
      link: gateLink(config.BATON_CONSOLE_URL, notice.workflowId),
    };
    if (deliveries.length === 0)
      logger.warn({ gateId: notice.gateId, role: notice.role }, 'no account with this role has a channel: nobody told');
    const failures: string[] = [];
    for (const delivery of deliveries) {
      const key = deliveryKey(notice, delivery);
      try {
        // retrySafe: the messaging provider applies one request per idempotency key, so a repeat
        // after an unknown outcome sends nothing twice; a chat webhook may show a message twice
        // then, which beats a person never told.
        const { replayed } = await ledger.once(
          SERVICE,
          key,
          (idempotencyKey) => send(delivery, message, idempotencyKey),
          { retrySafe: true, holder: `notice ${notice.gateId} tier ${notice.tier}` },
        );
        deps.count(delivery.channel, replayed ? 'replayed' : 'sent');
        if (!replayed)
          logger.info(
            { gateId: notice.gateId, tier: notice.tier, username: delivery.username, channel: delivery.channel },
            'approver told',
          );
      } catch (err) {
        deps.count(delivery.channel, 'failed');
        logger.warn(
          { err, gateId: notice.gateId, tier: notice.tier, username: delivery.username, channel: delivery.channel },
          'delivery failed; the notice will be redelivered',
        );
        failures.push(`${delivery.username}/${delivery.channel}: ${(err as Error).message}`);
      }
    }
    // Retryable whatever the cause (a 4xx from a webhook too): the consumer's redelivery and its
    // delivery limit bound the retries, and the dead letter names every failure.
    if (failures.length)
      throw new ExternalSystemError(
        'approver-notify',
        `${failures.length} of ${deliveries.length} deliveries failed: ${failures.join('; ')}`,
      );
    return deliveries;
  };
}
