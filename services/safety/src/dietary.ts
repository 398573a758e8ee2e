// Dietary concerns: every mention of a food allergen or a medical dietary need in free text, in six languages.
// Conservative by construction: "no nuts" and "keep peanuts away" are findings, because that is how allergies are
// stated.
import { ALLERGEN_GROUPS, LANGUAGES, LEXICON } from './lexicon.js';
import type { AllergenGroup, Language, Term } from './lexicon.js';

export type { AllergenGroup, Language } from './lexicon.js';

interface FindingFields {
  /** The lexicon entry that matched, without its notation (`allerg*` is reported as `allerg`). */
  term: string;
  /** The language of that entry; a word several languages share is reported in the one the text reads as. */
  language: Language;
  /** The words of the text that matched, folded (lower case, no accents). */
  match: string;
}

/** A food of one of the fourteen groups is named, whatever is said about it. */
export interface AllergenFinding extends FindingFields {
  kind: 'allergen';
  group: AllergenGroup;
}

/** A condition or need is named: allergy, intolerance, coeliac, anaphylaxis, an auto-injector, a diet. */
export interface MedicalFinding extends FindingFields {
  kind: 'medical';
  group: 'medical';
}

/**
 * The guest asks for a food to be avoided. Next to a named allergen ("sin gluten", "nut-free") the group is that
 * allergen's; a phrase that states a need on its own ("can't have", "keep … away") is 'medical', since the food it
 * names may be one the lexicon does not know.
 */
export interface AvoidanceFinding extends FindingFields {
  kind: 'avoidance';
  group: AllergenGroup | 'medical';
}

export type DietaryFinding = AllergenFinding | MedicalFinding | AvoidanceFinding;
export type DietaryGroup = DietaryFinding['group'];

/** Every allergen, condition and avoidance the text mentions, in the order they appear, each reported once. */
export function findDietaryConcerns(text: string): DietaryFinding[] {
  const lex = compiled();
  const tokens = tokenize(text);
  if (tokens.length === 0) return [];
  const input: Input = { tokens, german: tokens.map(germanSpelling), scores: languageScores(lex, tokens) };

  const found: Located[] = [];
  const allergens = scan(lex.allergens, input);
  for (const hit of allergens) found.push(locate(hit, hit.entry.group, hit.start, hit.end, input));
  for (const hit of scan(lex.medical, input)) found.push(locate(hit, 'medical', hit.start, hit.end, input));
  for (const hit of scan(lex.avoidance, input)) found.push(locate(hit, 'medical', hit.start, hit.end, input));

  const before = scan(lex.negationBefore, input);
  const after = scan(lex.negationAfter, input);
  for (const a of allergens) {
    const group = a.entry.group;
    for (const n of before) {
      if (n.end <= a.start && a.start - n.end <= NEGATION_REACH) found.push(locate(n, group, n.start, a.end, input));
    }
    for (const n of after) {
      if (n.start >= a.end && n.start - a.end <= NEGATION_REACH) found.push(locate(n, group, a.start, n.end, input));
    }
    const word = tokens[a.end - 1] ?? '';
    for (const c of lex.negationCompound) {
      // Past the first letter, so the suffix is attached to something ("glutenfrei"), not the word itself.
      if (word.indexOf(c.suffix, 1) > 0) {
        found.push({
          kind: 'avoidance',
          group,
          term: c.suffix,
          language: c.language,
          match: word,
          start: a.start,
          end: a.end,
        });
      }
    }
  }
  return settle(found, input.scores);
}

/** Whether a person should read the text before anything irreversible happens. */
export function mentionsDietaryConcern(text: string): boolean {
  return findDietaryConcerns(text).length > 0;
}

/** Lower case, compatibility forms unfolded, accents stripped, and the letters NFKD leaves whole spelled out. */
export function foldText(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[ßæœøđðłıþ]/g, (c) => LETTERS[c] ?? c);
}

/** Words of the folded text; anything that is not a letter or digit separates them (so "gluten-free" is two). */
export function tokenize(text: string): string[] {
  return foldText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0);
}

// "ß" has no decomposition; the others are letters, not letters with marks, so NFKD keeps them.
const LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  ı: 'i',
  þ: 'th',
};
/** How many words `…` may stand for. */
const MAX_GAP = 6;
/** How many words may sit between a weak negation and its allergen ("no nuts or shellfish"). */
const NEGATION_REACH = 2;
/** A text "clearly reads as" a language once this many of its markers appear; one is enough to "read slightly". */
const CLEARLY = 2;

type Piece =
  | { kind: 'gap' }
  | { kind: 'exact' | 'prefix' | 'infix'; text: string }
  | { kind: 'word' | 'end'; forms: ReadonlySet<string> };

interface Entry {
  kind: DietaryFinding['kind'];
  group: AllergenGroup | 'medical';
  language: Language;
  term: string;
  pieces: readonly Piece[];
  except: readonly (readonly Piece[])[];
  onlyInText: Language | undefined;
  notInText: Language | undefined;
}

interface Compiled {
  allergens: readonly Entry[];
  medical: readonly Entry[];
  avoidance: readonly Entry[];
  negationBefore: readonly Entry[];
  negationAfter: readonly Entry[];
  negationCompound: readonly { suffix: string; language: Language }[];
  markers: ReadonlyMap<Language, ReadonlySet<string>>;
}

interface Input {
  tokens: readonly string[];
  /** The same words with German ae/oe/ue read as ä/ö/ü, for guests who type "Erdnuesse". */
  german: readonly string[];
  scores: ReadonlyMap<Language, number>;
}

interface Hit {
  entry: Entry;
  start: number;
  end: number;
}

type Located = DietaryFinding & { start: number; end: number };

let cache: Compiled | undefined;

/** The lexicon parsed once, on first use, so a malformed entry fails the first call (and the tests) loudly. */
function compiled(): Compiled {
  if (cache) return cache;
  const allergens: Entry[] = [];
  for (const group of ALLERGEN_GROUPS) {
    for (const language of LANGUAGES) {
      for (const term of LEXICON.allergens[group].terms[language])
        allergens.push(compileEntry(term, 'allergen', group, language));
    }
  }
  const perLanguage = (pick: (l: Language) => readonly Term[], kind: Entry['kind']): Entry[] =>
    LANGUAGES.flatMap((language) => pick(language).map((term) => compileEntry(term, kind, 'medical', language)));
  cache = {
    allergens,
    medical: perLanguage((l) => LEXICON.medical[l], 'medical'),
    avoidance: perLanguage((l) => LEXICON.avoidance[l], 'avoidance'),
    negationBefore: perLanguage((l) => LEXICON.negation[l].before, 'avoidance'),
    negationAfter: perLanguage((l) => LEXICON.negation[l].after, 'avoidance'),
    negationCompound: LANGUAGES.flatMap((language) =>
      LEXICON.negation[language].compound.map((suffix) => ({ suffix: foldText(suffix), language })),
    ),
    markers: new Map(LANGUAGES.map((l) => [l, new Set(LEXICON.markers[l].map(foldText))])),
  };
  return cache;
}

function compileEntry(term: Term, kind: Entry['kind'], group: Entry['group'], language: Language): Entry {
  const rule = typeof term === 'string' ? { term } : term;
  const pieces = parse(rule.term, language);
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  if (!first || !last || first.kind === 'gap' || last.kind === 'gap') {
    throw new Error(`lexicon entry "${rule.term}" (${language}) must start and end with a word`);
  }
  return {
    kind,
    group,
    language,
    term: rule.term.replace(/[*=]/g, '').trim(),
    pieces,
    except: (rule.except ?? []).map((e) => parse(e, language)),
    onlyInText: rule.onlyInText,
    notInText: rule.notInText,
  };
}

/** One piece per word of the text: the entry is folded exactly like the text, so "céleri-rave" is two words. */
function parse(spec: string, language: Language): Piece[] {
  const pieces: Piece[] = [];
  for (let raw of spec.trim().split(/\s+/)) {
    if (raw === '…' || raw === '...') {
      pieces.push({ kind: 'gap' });
      continue;
    }
    const exact = raw.startsWith('=');
    const leading = raw.startsWith('*');
    if (exact || leading) raw = raw.slice(1);
    const trailing = raw.endsWith('*');
    if (trailing) raw = raw.slice(0, -1);
    const words = tokenize(raw);
    if (words.length === 0 || (exact && trailing))
      throw new Error(`lexicon entry "${spec}" (${language}) is malformed`);
    words.forEach((text, i) => {
      const head = i === 0;
      const tail = i === words.length - 1;
      if (head && exact) pieces.push({ kind: 'exact', text });
      else if (head && leading && tail && trailing) pieces.push({ kind: 'infix', text });
      else if (tail && trailing) pieces.push({ kind: 'prefix', text });
      else if (head && leading) pieces.push({ kind: 'end', forms: inflect(text, language) });
      else pieces.push({ kind: 'word', forms: inflect(text, language) });
    });
  }
  return pieces;
}

function inflect(word: string, language: Language): ReadonlySet<string> {
  const forms = new Set([word]);
  for (const [ending, replacements] of Object.entries(LEXICON.inflections[language])) {
    if (!word.endsWith(ending)) continue;
    const stem = word.slice(0, word.length - ending.length);
    for (const r of replacements) forms.add(stem + r);
  }
  return forms;
}

function pieceMatches(piece: Exclude<Piece, { kind: 'gap' }>, word: string): boolean {
  switch (piece.kind) {
    case 'exact':
      return word === piece.text;
    case 'prefix':
      return word.startsWith(piece.text);
    case 'infix':
      return word.includes(piece.text);
    case 'word':
      return piece.forms.has(word);
    case 'end':
      return [...piece.forms].some((f) => word.endsWith(f));
  }
}

/** Where the pieces from `p` on match the words from `at` on: the end of the match, or -1. */
function matchFrom(pieces: readonly Piece[], p: number, words: readonly string[], at: number): number {
  const piece = pieces[p];
  if (!piece) return at;
  if (piece.kind === 'gap') {
    for (let skip = 0; skip <= MAX_GAP && at + skip <= words.length; skip++) {
      const end = matchFrom(pieces, p + 1, words, at + skip);
      if (end >= 0) return end;
    }
    return -1;
  }
  const word = words[at];
  if (word === undefined || !pieceMatches(piece, word)) return -1;
  return matchFrom(pieces, p + 1, words, at + 1);
}

function scan(entries: readonly Entry[], input: Input): Hit[] {
  const hits: Hit[] = [];
  for (const entry of entries) {
    if (entry.onlyInText && (input.scores.get(entry.onlyInText) ?? 0) < 1) continue;
    if (entry.notInText && (input.scores.get(entry.notInText) ?? 0) >= CLEARLY) continue;
    const spellings = entry.language === 'de' ? [input.tokens, input.german] : [input.tokens];
    for (const words of spellings) {
      for (let start = 0; start < words.length; start++) {
        const end = matchFrom(entry.pieces, 0, words, start);
        if (end < 0 || entry.except.some((pieces) => matchFrom(pieces, 0, words, start) >= 0)) continue;
        hits.push({ entry, start, end });
      }
    }
  }
  return hits;
}

function locate(hit: Hit, group: DietaryGroup, start: number, end: number, input: Input): Located {
  const base = {
    term: hit.entry.term,
    language: hit.entry.language,
    match: input.tokens.slice(start, end).join(' '),
    start,
    end,
  };
  // The kind decides which groups are possible; the casts only restate what the callers pass.
  if (hit.entry.kind === 'allergen') return { ...base, kind: 'allergen', group: group as AllergenGroup };
  if (hit.entry.kind === 'medical') return { ...base, kind: 'medical', group: 'medical' };
  return { ...base, kind: 'avoidance', group };
}

function languageScores(lex: Compiled, tokens: readonly string[]): Map<Language, number> {
  const present = new Set(tokens);
  const scores = new Map<Language, number>();
  for (const [language, markers] of lex.markers) {
    let n = 0;
    for (const m of markers) if (present.has(m)) n++;
    scores.set(language, n);
  }
  return scores;
}

function germanSpelling(word: string): string {
  return word.replace(/ae/g, 'a').replace(/oe/g, 'o').replace(/ue/g, 'u');
}

/**
 * One finding per thing said: the same words matched by several languages' entries become one finding in the
 * language the text reads as; a match inside a longer one of the same kind and group ("nut" in "brazil nut") is
 * dropped; a repeated mention is reported once.
 */
function settle(found: readonly Located[], scores: ReadonlyMap<Language, number>): DietaryFinding[] {
  const rank = (l: Language): number => (scores.get(l) ?? 0) * LANGUAGES.length - LANGUAGES.indexOf(l);
  const bySpan = new Map<string, Located>();
  for (const f of found) {
    const key = `${f.kind}|${f.group}|${f.start}|${f.end}`;
    const kept = bySpan.get(key);
    if (!kept || rank(f.language) > rank(kept.language)) bySpan.set(key, f);
  }
  const spans = [...bySpan.values()];
  const inside = (f: Located, g: Located): boolean =>
    g.kind === f.kind &&
    g.group === f.group &&
    g.start <= f.start &&
    g.end >= f.end &&
    g.end - g.start > f.end - f.start;
  const outer = spans.filter((f) => !spans.some((g) => inside(f, g)));
  outer.sort((a, b) => a.start - b.start || a.end - b.end);
  const seen = new Set<string>();
  const out: DietaryFinding[] = [];
  for (const { start: _start, end: _end, ...finding } of outer) {
    const key = `${finding.kind}|${finding.group}|${finding.language}|${finding.term}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(finding);
  }
  return out;
}
