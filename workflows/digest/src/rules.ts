// The digest's composition, pure: duplicates removed by what a line is about, the sections in a
// fixed order, a source that could not be read named, the text within the message size.
import type { DigestItem, DigestSource } from './contracts.js';
import type { DigestSection } from './definition.js';

export const MAX_TEXT = 2000;
const TITLES: Record<DigestSource, string> = { bookings: 'Bookings', weather: 'Weather', rates: 'Interest rates' };

/** The first line for each key, in order. */
export function withoutDuplicates(items: DigestItem[]): DigestItem[] {
  const seen = new Set<string>();
  return items.filter((item) => (seen.has(item.key) ? false : (seen.add(item.key), true)));
}

export function composeDigest(
  day: string,
  sections: DigestSection[],
  unavailable: Array<{ source: DigestSource; reason: string }>,
): string {
  const lines = [`Daily digest for ${day}`];
  // Near the top, so no truncation can drop it.
  if (unavailable.length > 0)
    lines.push(`Not available today: ${unavailable.map((u) => `${TITLES[u.source]} (${u.source})`).join(', ')}.`);
  for (const section of sections) {
    if (section.source === 'bookings') {
      const covers = section.items.reduce((sum, i) => sum + (i.value ?? 0), 0);
      lines.push(
        '',
        `${TITLES.bookings}: ${section.items.length} booking${section.items.length === 1 ? '' : 's'}, ${covers} cover${covers === 1 ? '' : 's'}`,
      );
      lines.push(...section.items.slice(0, 20).map((i) => `- ${i.text}`));
      if (section.items.length > 20) lines.push(`- and ${section.items.length - 20} more`);
    } else {
      lines.push('', `${TITLES[section.source]}:`, ...section.items.map((i) => `- ${i.text}`));
    }
  }
  const text = lines.join('\n');
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 2)} …`;
}
