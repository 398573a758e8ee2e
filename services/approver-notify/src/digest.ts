// The daily digest: once a day, at BATON_APPROVER_NOTIFY_DIGEST_AT, each person is told on their
// channels what waits for one of their roles (the role of each open gate's current tier). The
// notifier's own timer, not a Temporal schedule: the notifier already holds the channels and the
// delivery path, and its Temporal identity may only read a workflow's status (no workflow of its
// own to start). What waits is read from the gate notices on BATON_NOTICES (the last one of each
// gate says whether it is open), then checked against each workflow's status. Once per day,
// person and channel (the effect ledger, key digest/<day>/<person>/<channel>): two replicas, or a
// restart at the digest's hour, send nothing twice.
import { gateNoticeTypes, type WorkflowStatus } from '@baton/workflow-kit/internal';
import type { AccountSettings, ChannelKind } from '@baton/contracts';
import type { EffectLedger } from '@baton/agent';
import type { Logger } from '@baton/telemetry';
import {
  SERVICE,
  deliveriesFor,
  gateLink,
  type ApproverAccount,
  type Delivery,
  type GateNoticeEnvelope,
  type createSender,
} from './notify.js';

/** Gates whose last notice opened or escalated them (not decided), newest notice per gate. */
export function openGatesOf(notices: readonly GateNoticeEnvelope[]): Array<GateNoticeEnvelope['data']> {
  const last = new Map<string, GateNoticeEnvelope>();
  for (const n of notices) last.set(n.data.gateId, n);
  return [...last.values()]
    .filter((n) => n.type === gateNoticeTypes.opened || n.type === gateNoticeTypes.escalated)
    .map((n) => n.data);
}

/** One line of a digest: a gate that waits now, for the role of its current tier. */
export interface WaitingGate {
  workflowId: string;
  workflowType: string;
  gateType: string;
  role: string;
  summary: string;
  link: string;
}

/** The open gate as its workflow says it now (the notices may lag): waiting for whom, or not at all. */
export function waitingNow(
  gate: GateNoticeEnvelope['data'],
  status: WorkflowStatus | undefined,
  summary: string,
  link: string,
): WaitingGate | undefined {
  const open = status?.gate;
  if (!open || open.gateId !== gate.gateId || open.status !== 'open') return undefined;
  const role = open.tiers[open.tier]?.role;
  return role
    ? { workflowId: gate.workflowId, workflowType: gate.workflowType, gateType: gate.gateType, role, summary, link }
    : undefined;
}

/** The digest's words for one person: how many wait for their roles, one line each. */
export function digestText(items: readonly WaitingGate[], day: string): string {
  const lines = items.map(
    (g) => `- ${g.workflowType} (${g.gateType}) for a ${g.role}${g.summary ? `: ${g.summary}` : ''}. Open: ${g.link}`,
  );
  return `Baton, ${day}: ${items.length} waiting for your decision.\n${lines.join('\n')}`;
}

/** The ledger key of one person's digest on one channel for one day. */
export function digestKey(day: string, username: string, channel: ChannelKind): string {
  return `digest/${day}/${username}/${channel}`;
}

/** The calendar day (YYYY-MM-DD) of a moment in a time zone. */
export function dayOf(at: Date, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** How long from `now` until the next `at` (HH:MM) in the time zone, more than 0 and at most a day. */
export function msUntil(at: string, now: Date, timeZone?: string): number {
  const [h, m] = at.split(':').map(Number) as [number, number];
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const nowS = get('hour') * 3600 + get('minute') * 60 + get('second');
  let wait = (h * 3600 + m * 60 - nowS) * 1000 - now.getMilliseconds();
  if (wait <= 0) wait += 86_400_000;
  return wait;
}

export interface DigestDeps {
  accounts: readonly ApproverAccount[];
  settingsOf?(username: string): Promise<AccountSettings | undefined>;
  /** The gate notices on BATON_NOTICES, oldest first. */
  readNotices(): Promise<GateNoticeEnvelope[]>;
  statusOf(workflowId: string): Promise<WorkflowStatus | undefined>;
  summaryOf(status: WorkflowStatus): string;
  consoleUrl: string;
  ledger: EffectLedger;
  send: ReturnType<typeof createSender>;
  count(channel: ChannelKind, outcome: 'sent' | 'replayed' | 'failed'): void;
  logger: Logger;
  now: Date;
  timeZone?: string | undefined;
}

/** Sends today's digest to everyone with something waiting for one of their roles; returns who
 *  was told on which channel. A failed delivery is logged and counted; the rest go on. */
export async function runDigest(deps: DigestDeps): Promise<Delivery[]> {
  const day = dayOf(deps.now, deps.timeZone);
  const waiting: WaitingGate[] = [];
  for (const gate of openGatesOf(await deps.readNotices())) {
    const status = await deps.statusOf(gate.workflowId);
    const now = status
      ? waitingNow(gate, status, deps.summaryOf(status), gateLink(deps.consoleUrl, gate.workflowId))
      : undefined;
    if (now) waiting.push(now);
  }
  const told: Delivery[] = [];
  for (const account of deps.accounts) {
    const mine = waiting.filter((g) => account.roles.includes(g.role));
    if (mine.length === 0) continue;
    const own = await deps.settingsOf?.(account.username);
    const text = digestText(mine, day);
    for (const delivery of deliveriesFor([{ ...account, ...(own ? { channels: own.channels } : {}) }], mine[0]!.role)) {
      try {
        const { replayed } = await deps.ledger.once(
          SERVICE,
          digestKey(day, account.username, delivery.channel),
          (key) =>
            deps.send(delivery, { text, email: `Subject: ${mine.length} waiting for you in Baton\n\n${text}` }, key),
          { retrySafe: true, holder: `digest ${day}` },
        );
        deps.count(delivery.channel, replayed ? 'replayed' : 'sent');
        if (!replayed) told.push(delivery);
      } catch (err) {
        deps.count(delivery.channel, 'failed');
        deps.logger.warn({ err, username: account.username, channel: delivery.channel, day }, 'digest delivery failed');
      }
    }
  }
  deps.logger.info({ day, waiting: waiting.length, told: told.length }, 'daily digest sent');
  return told;
}
