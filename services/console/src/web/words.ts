// Durations and moments in words for the console's pages, as a person on a phone reads them:
// "2 hours", "21:40", "19:00 tomorrow", and a gate's approvers as "a host until 21:40, then a
// manager until 19:00 tomorrow". Clock times are in the console's time zone (the process's TZ
// unless one is given), on a 24-hour clock.
import type { GateView } from '@baton/workflow-kit';

const UNITS: Array<[ms: number, one: string]> = [
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
  [1_000, 'second'],
];

/** A length of time in words, its two largest whole units: "1 day 2 hours", "45 seconds". */
export function durationInWords(ms: number): string {
  let rest = Math.max(0, Math.round(ms));
  if (rest < 1_000) return 'less than a second';
  const parts: string[] = [];
  for (const [size, one] of UNITS) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n} ${one}${n === 1 ? '' : 's'}`);
    else if (parts.length) break; // "1 day 30 minutes" would read as more precise than it is
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/** The calendar date (year, month, day) of a moment in a time zone, as a day number. */
function dayNumber(at: Date, timeZone: string | undefined): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day')) / 86_400_000;
}

/** A moment as a clock time, with the day when it is not today: "21:40", "19:00 tomorrow",
 *  "08:15 yesterday", "Friday 19:00" (within a week), "12 Dec 19:00" (further). */
export function clockTime(at: Date, now: Date, timeZone?: string): string {
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
  const days = dayNumber(at, timeZone) - dayNumber(now, timeZone);
  if (days === 0) return time;
  if (days === 1) return `${time} tomorrow`;
  if (days === -1) return `${time} yesterday`;
  if (days > 1 && days < 7)
    return `${new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'long' }).format(at)} ${time}`;
  return `${new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short' }).format(at)} ${time}`;
}

/** "in 25 minutes" / "25 minutes ago", for a moment close enough that a clock time is too coarse. */
export function relative(at: Date, now: Date): string {
  const ms = at.getTime() - now.getTime();
  return ms >= 0 ? `in ${durationInWords(ms)}` : `${durationInWords(-ms)} ago`;
}

/** "a host", "an operator". */
export function withArticle(role: string): string {
  return `${/^[aeiou]/i.test(role) ? 'an' : 'a'} ${role}`;
}

/** A moment in words: its clock time, and how far away it is when that is under an hour (a tier
 *  of a few minutes ends within the same clock minute it shows). */
export function momentInWords(at: Date, now: Date, timeZone?: string): string {
  const near = Math.abs(at.getTime() - now.getTime()) < 3_600_000;
  return near ? `${clockTime(at, now, timeZone)} (${relative(at, now)})` : clockTime(at, now, timeZone);
}

type GateTiming = Pick<GateView, 'tiers' | 'tier' | 'tierSince' | 'status' | 'safeDefault'>;

/** Who may decide an open gate from now on, and until when, in words: "a host until 21:40, then
 *  a manager until 19:00 tomorrow, then: <the safe default>". The current tier ends its timeout
 *  after it began; each later tier starts when the one before it ends. */
export function approversInWords(gate: GateTiming, now: Date, timeZone?: string): string {
  if (gate.status !== 'open') return 'nobody: no decision is awaited';
  let start = new Date(gate.tierSince).getTime();
  const parts = gate.tiers.slice(gate.tier).map((t) => {
    const end = new Date(start + t.timeoutMs);
    start = end.getTime();
    return `${withArticle(t.role)} until ${momentInWords(end, now, timeZone)}`;
  });
  return `${parts.join(', then ')}${gate.safeDefault ? `, then: ${gate.safeDefault}` : ''}`;
}

/** The tiers as lengths, for a gate that is not open any more: "a host for 2 hours, then a
 *  manager for 22 hours". */
export function tiersInWords(gate: Pick<GateView, 'tiers'>): string {
  return gate.tiers.map((t) => `${withArticle(t.role)} for ${durationInWords(t.timeoutMs)}`).join(', then ');
}
