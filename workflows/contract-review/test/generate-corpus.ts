// Writes the contract review's labelled corpus (corpus/contracts.json): 60 synthetic contracts
// written for the project from clause templates, each template carrying its ground truth (the
// clause's risk and the policy rules it breaks), drawn with a seeded generator so the file is
// the same on every run. corpus.unit.test.ts checks the shipped file is what this writes.
//   node --conditions=baton-source --import tsx workflows/contract-review/test/generate-corpus.ts
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { CORPUS_FILE, amountsOf, type Corpus, type CorpusClause, type CorpusContract } from '../src/corpus.js';
import type { Risk } from '../src/contracts.js';
import { seededRandom } from '../src/wrong-answers.js';

type Random = () => number;
interface Variant {
  risk: Risk;
  rules: string[];
  text: (r: Random) => string;
}
interface Kind {
  heading: string;
  /** Share of contracts that have this clause at all. */
  present: number;
  /** The usual wording first; the others with their share. */
  usual?: Variant;
  risky: Array<{ share: number; variant: Variant }>;
}

const pick = <T>(items: readonly T[], r: Random): T => items[Math.floor(r() * items.length)]!;
const money = (r: Random) => `£${(Math.round(5 + r() * 495) * 500).toLocaleString('en-GB')}`;
const SERVICES = [
  'catering services',
  'cleaning services',
  'software support',
  'courier services',
  'data hosting',
  'translation services',
  'equipment maintenance',
  'security services',
];
const low = (text: Variant['text']): Variant => ({ risk: 'low', rules: [], text });

const KINDS: Kind[] = [
  {
    heading: 'Term',
    present: 1,
    usual: low((r) => `This agreement starts on signature and lasts ${pick([12, 24, 36], r)} months.`),
    risky: [
      {
        share: 0.15,
        variant: {
          risk: 'medium',
          rules: ['AUTO-RENEWAL'],
          text: (r) => {
            const n = pick([12, 24], r);
            return `This agreement lasts ${n} months and renews automatically for further ${n}-month terms.`;
          },
        },
      },
    ],
  },
  {
    heading: 'Services',
    present: 1,
    usual: low(
      (r) =>
        `The Supplier provides the ${pick(SERVICES, r)} described in Schedule 1 for a fee of ${money(r)} per year.`,
    ),
    risky: [],
  },
  {
    heading: 'Payment',
    present: 1,
    usual: low((r) => `Invoices are payable within ${pick([30, 45], r)} days of receipt.`),
    risky: [
      {
        share: 0.15,
        variant: {
          risk: 'medium',
          rules: ['PAYMENT-TERMS'],
          text: (r) => `Invoices are payable within ${pick([60, 90, 120], r)} days of receipt.`,
        },
      },
    ],
  },
  {
    heading: 'Liability',
    present: 0.95,
    usual: low(
      (r) =>
        `Each party's total liability is limited to ${money(r)} or the fees paid in the previous 12 months, whichever is lower.`,
    ),
    risky: [
      {
        share: 0.05,
        variant: {
          risk: 'high',
          rules: ['LIABILITY-CAP'],
          text: () => "The Company's liability under this agreement is unlimited.",
        },
      },
      // The policy's pattern does not see this wording; the classification does.
      {
        share: 0.03,
        variant: {
          risk: 'high',
          rules: [],
          text: () => 'The Company is liable without limit for any loss the Supplier suffers.',
        },
      },
    ],
  },
  {
    heading: 'Indemnity',
    present: 0.6,
    usual: low(
      (r) =>
        `The Supplier indemnifies the Company against third-party claims arising from its breach, up to ${money(r)}.`,
    ),
    risky: [
      {
        share: 0.07,
        variant: {
          risk: 'high',
          rules: ['INDEMNITY-BOUNDED'],
          text: () => 'The Company shall indemnify the Supplier against any and all claims whatsoever.',
        },
      },
    ],
  },
  {
    heading: 'Intellectual property',
    present: 0.6,
    usual: low(() => 'Each party keeps its pre-existing intellectual property.'),
    risky: [
      {
        share: 0.07,
        variant: {
          risk: 'high',
          rules: ['IP-RETAINED'],
          text: () => 'The Company assigns all intellectual property rights in its materials to the Supplier.',
        },
      },
    ],
  },
  {
    heading: 'Exclusivity',
    present: 0.05,
    risky: [
      {
        share: 1,
        variant: {
          risk: 'high',
          rules: ['NO-EXCLUSIVITY'],
          text: (r) => `The Company shall buy all ${pick(SERVICES, r)} exclusively from the Supplier for the term.`,
        },
      },
    ],
  },
  {
    heading: 'Confidentiality',
    present: 0.8,
    usual: low((r) => `Each party keeps the other's confidential information secret for ${pick([2, 3, 5], r)} years.`),
    risky: [],
  },
  {
    heading: 'Data protection',
    present: 0.3,
    risky: [
      {
        share: 1,
        variant: {
          risk: 'medium',
          rules: ['DATA-PROCESSING'],
          text: () => "The Supplier processes personal data only on the Company's written instructions.",
        },
      },
    ],
  },
  {
    heading: 'Termination',
    present: 1,
    usual: low((r) => `Either party may terminate on ${pick([30, 60, 90], r)} days' written notice.`),
    // No policy rule covers this wording; the classification rates it medium.
    risky: [
      {
        share: 0.1,
        variant: {
          risk: 'medium',
          rules: [],
          text: (r) => `The Supplier may terminate this agreement for convenience on ${pick([7, 14], r)} days' notice.`,
        },
      },
    ],
  },
  {
    heading: 'Amendment',
    present: 0.7,
    usual: low(() => 'This agreement may be amended only in writing signed by both parties.'),
    risky: [
      {
        share: 0.05,
        variant: {
          risk: 'high',
          rules: ['NO-UNILATERAL-CHANGE'],
          text: () => 'The Supplier may amend these terms at any time without notice.',
        },
      },
    ],
  },
  {
    heading: 'Governing law',
    present: 1,
    usual: low(
      (r) =>
        `This agreement is governed by the laws of ${pick(['England and Wales', 'Scotland', 'Northern Ireland'], r)}.`,
    ),
    risky: [],
  },
];

const TITLES = [
  'SERVICES AGREEMENT',
  'SUPPLY AGREEMENT',
  'MAINTENANCE AGREEMENT',
  'CONSULTING AGREEMENT',
  'HOSTING AGREEMENT',
  'FRAMEWORK AGREEMENT',
];
const SUPPLIERS = [
  'Contoso Supplies Ltd',
  'Fabrikam Services Ltd',
  'Tailspin Logistics Ltd',
  'Adatum Systems Ltd',
  'Litware Ltd',
  'Proseware Ltd',
  'Wingtip Facilities Ltd',
  'Lamna Hosting Ltd',
  'Margie Couriers Ltd',
  'Alpine Ski Catering Ltd',
  'Coho Maintenance Ltd',
  'Humongous Data Ltd',
];
const ORDER: Record<Risk, number> = { low: 0, medium: 1, high: 2 };

export function generateCorpus(count = 60): Corpus {
  const contracts: CorpusContract[] = [];
  for (let i = 1; i <= count; i++) {
    const r = seededRandom(`contract-review-corpus/${i}`);
    const id = `K-${String(i).padStart(3, '0')}`;
    const title = pick(TITLES, r);
    const supplier = pick(SUPPLIERS, r);
    const numbering = r() < 0.25 ? (n: number) => `Section ${n}.` : (n: number) => `${n}.`;
    const preamble = `${title}\nbetween Northwind Ltd ("the Company") and ${supplier} ("the Supplier").`;
    const clauses: CorpusClause[] = [{ id: 'c1', heading: 'Preamble', text: preamble, risk: 'low', rules: [] }];
    const lines: string[] = [];
    for (const kind of KINDS) {
      if (r() >= kind.present) continue;
      let variant = kind.usual;
      let roll = r();
      for (const risky of kind.risky) {
        if (roll < risky.share) {
          variant = risky.variant;
          break;
        }
        roll -= risky.share;
      }
      if (!variant) continue;
      const text = `${kind.heading}. ${variant.text(r)}`;
      lines.push(`${numbering(clauses.length)} ${text}`);
      clauses.push({
        id: `c${clauses.length + 1}`,
        heading: kind.heading,
        text,
        risk: variant.risk,
        rules: variant.rules,
      });
    }
    const text = `${preamble}\n\n${lines.join('\n')}\n`;
    contracts.push({
      id,
      title,
      counterparty: { id: `cp-${supplier.split(' ')[0]!.toLowerCase()}`, name: supplier },
      text,
      truth: {
        clauses,
        parties: ['Northwind Ltd', supplier],
        amounts: amountsOf(text),
        overallRisk: clauses.reduce<Risk>((o, c) => (ORDER[c.risk] > ORDER[o] ? c.risk : o), 'low'),
      },
    });
  }
  return { version: '2026-12-07', contracts };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeFileSync(CORPUS_FILE, `${JSON.stringify(generateCorpus(), null, 2)}\n`);
  process.stdout.write(`wrote ${CORPUS_FILE}\n`);
}
