// Where a person of the approval console is told that something waits for them: an account's
// optional `channels` (BATON_CONSOLE_USERS, services/console/src/web/auth.ts), read by the console
// and by the approver notifier (services/approver-notify). Each channel is optional; an account
// with none is told nothing and finds its gates in the inbox.
import { z } from 'zod';

export const AccountChannels = z
  .object({
    /** Told by email, through the messaging provider. */
    email: z.email().max(254).optional(),
    /** Told by SMS, through the messaging provider: an E.164 number (+ and digits). */
    phone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +4915112345678')
      .optional(),
    /** Told in a chat: an incoming-webhook address (Slack, Teams) that takes a JSON `{ "text" }` POST.
     *  It is a credential (whoever knows it may post there): keep the user list secret. */
    chatWebhookUrl: z.url({ protocol: /^https?$/ }).optional(),
  })
  .strict();
export type AccountChannels = z.infer<typeof AccountChannels>;

/** The channel kinds, in the order a person is told on them. */
export const CHANNEL_KINDS = ['sms', 'email', 'chat'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** What a person set for themselves on the console's account page (bucket baton_accounts, key:
 *  their username): their channels, which the approver notifier prefers to the account's
 *  BATON_CONSOLE_USERS `channels`. Kept in JetStream KV, replicated like every bucket, so a
 *  restart or another console replica keeps it. */
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time such as 09:00 or 21:30');

/** An IANA time zone name (Europe/Amsterdam), as this Node's Intl knows it. */
export const TimeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'is not a time zone (an IANA name such as Europe/Amsterdam)');

/** When a person is on duty: from one clock time to another (past midnight when `to` is earlier,
 *  e.g. 17:00 to 01:00), in a time zone. Outside them they are not told; the next role on duty is. */
export const WorkingHours = z
  .object({
    from: clock,
    to: clock,
    /** An IANA zone such as Europe/Amsterdam; none: the approver notifier's own. */
    timeZone: TimeZone.optional(),
  })
  .strict()
  .refine((h) => h.from !== h.to, 'from and to must differ');
export type WorkingHours = z.infer<typeof WorkingHours>;

/** Whether `now` falls in the working hours (none: always on duty). */
export function onDuty(hours: WorkingHours | undefined, now: Date): boolean {
  if (!hours) return true;
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: hours.timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(now);
  const [from, to, at] = [hours.from, hours.to, parts];
  return from < to ? at >= from && at < to : at >= from || at < to;
}

export const AccountSettings = z
  .object({
    channels: AccountChannels,
    workingHours: WorkingHours.optional(),
    updatedAt: z.iso.datetime(),
  })
  .strict();
export type AccountSettings = z.infer<typeof AccountSettings>;

/** The key of a person's settings: their username, with characters a KV key may not hold replaced. */
export function accountSettingsKey(username: string): string {
  return username.replace(/[^A-Za-z0-9_=-]/g, (c) => `_${c.charCodeAt(0).toString(16)}`);
}
