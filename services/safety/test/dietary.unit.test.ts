// Dietary detector: every allergen group in every language, the ways guests avoid a food, and requests that are clean.
// Most cases come from tables, and every lexicon entry is tested by a case generated from the lexicon itself.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findDietaryConcerns, mentionsDietaryConcern } from '../src/dietary.js';
import type { DietaryFinding, DietaryGroup } from '../src/dietary.js';
import { ALLERGEN_GROUPS, LANGUAGES, LEXICON } from '../src/lexicon.js';
import type { AllergenGroup, Language, Term } from '../src/lexicon.js';

const show = (findings: readonly DietaryFinding[]): string =>
  findings.map((f) => `${f.kind}/${f.group}/${f.language}:${f.term}[${f.match}]`).join(', ') || 'no findings';

function assertFinds(text: string, want: Partial<Pick<DietaryFinding, 'kind' | 'group' | 'language'>>): void {
  const findings = findDietaryConcerns(text);
  const ok = findings.some(
    (f) =>
      (want.kind === undefined || f.kind === want.kind) &&
      (want.group === undefined || f.group === want.group) &&
      (want.language === undefined || f.language === want.language),
  );
  assert.ok(ok, `"${text}": wanted ${JSON.stringify(want)}, got ${show(findings)}`);
}

/** A neutral request in each language, with a slot for the words under test. */
const CARRIER: Record<Language, string> = {
  en: 'Hi, a table for two on Friday please. Note: {} for my son. Thanks!',
  es: 'Hola, quisiera una mesa para dos el viernes. Ojo: {} para mi hijo. Gracias.',
  fr: 'Bonjour, une table pour deux vendredi soir svp. Attention : {} pour mon fils. Merci.',
  de: 'Hallo, bitte einen Tisch für zwei am Freitag. Achtung: {} für meinen Sohn. Danke.',
  it: 'Ciao, vorrei un tavolo per due venerdì sera. Attenzione: {} per mio figlio. Grazie.',
  pt: 'Olá, queria uma mesa para dois na sexta-feira. Atenção: {} para o meu filho. Obrigado.',
};
const inCarrier = (language: Language, words: string): string => CARRIER[language].replace('{}', words);

/** Text that an entry must match: its words without notation, a gap filled with one harmless word. */
function sampleOf(term: Term): string {
  const spec = typeof term === 'string' ? term : term.term;
  const plain = spec.replace(/[*=]/g, '').replace(/…/g, 'x');
  // The bare word is on the entry's own except list (the surname Krebs); its plural is the food.
  return SAMPLE_OVERRIDES[plain] ?? plain;
}
const SAMPLE_OVERRIDES: Record<string, string> = { krebs: 'Krebse' };

describe('the carriers used below are clean', () => {
  for (const language of LANGUAGES) {
    it(`${language}: the carrier alone has no finding`, () => {
      assert.deepEqual(findDietaryConcerns(inCarrier(language, 'nothing special')), []);
    });
  }
});

describe('every lexicon entry is found in a request of its language', () => {
  it('covers the fourteen groups and six languages', () => {
    assert.equal(ALLERGEN_GROUPS.length, 14);
    assert.deepEqual([...LANGUAGES], ['en', 'es', 'fr', 'de', 'it', 'pt']);
    for (const group of ALLERGEN_GROUPS) {
      for (const language of LANGUAGES) {
        assert.ok(LEXICON.allergens[group].terms[language].length > 0, `${group} has no ${language} entry`);
      }
    }
  });

  for (const group of ALLERGEN_GROUPS) {
    for (const language of LANGUAGES) {
      it(`${group} / ${language}`, () => {
        const missed = LEXICON.allergens[group].terms[language].filter((term) => {
          const findings = findDietaryConcerns(inCarrier(language, sampleOf(term)));
          return !findings.some((f) => f.kind === 'allergen' && f.group === group && f.language === language);
        });
        assert.deepEqual(missed.map(sampleOf), []);
      });
    }
  }

  for (const kind of ['medical', 'avoidance'] as const) {
    for (const language of LANGUAGES) {
      it(`${kind} / ${language}`, () => {
        const missed = LEXICON[kind][language].filter((term) => {
          const findings = findDietaryConcerns(inCarrier(language, sampleOf(term)));
          return !findings.some((f) => f.kind === kind && f.group === 'medical' && f.language === language);
        });
        assert.deepEqual(missed.map(sampleOf), []);
      });
    }
  }

  // One allergen word per language to negate; each negation must turn it into an avoidance of that group.
  const SESAME: Record<Language, string> = {
    en: 'sesame',
    es: 'sésamo',
    fr: 'sésame',
    de: 'Sesam',
    it: 'sesamo',
    pt: 'gergelim',
  };
  for (const language of LANGUAGES) {
    it(`negations / ${language}`, () => {
      const { before, after, compound } = LEXICON.negation[language];
      const samples = [
        ...before.map((n) => `${sampleOf(n)} ${SESAME[language]}`),
        ...after.map((n) => `${SESAME[language]} ${sampleOf(n)}`),
        ...compound.map((n) => `${SESAME[language]}${n}`),
      ];
      const missed = samples.filter(
        (s) =>
          !findDietaryConcerns(inCarrier(language, s)).some(
            (f) => f.kind === 'avoidance' && f.group === 'sesame' && f.language === language,
          ),
      );
      assert.deepEqual(missed, []);
    });
  }
});

// The way guests actually write: one request per group and language, with the allergen in a sentence.
const REQUESTS: Record<AllergenGroup, Record<Language, string>> = {
  cereals: {
    en: "Booking for 2 tonight - my husband can't eat wheat or barley, so bread is out too.",
    es: 'Buenas, somos cuatro para el sábado a las 14h. Mi hija no puede tomar nada con trigo, ni pan ni pasta.',
    fr: 'Bonsoir, une table pour 5 dimanche midi. Mon mari ne supporte pas le blé, merci.',
    de: 'Hallo, wir möchten am Samstag zu viert kommen. Meine Frau verträgt kein Weizenmehl und keine Dinkelnudeln.',
    it: 'Buonasera, un tavolo per due venerdì. Mia moglie è celiaca: niente pane né pasta di grano, per favore.',
    pt: 'Boa noite, mesa para três no sábado. O meu marido não pode comer trigo nem cevada.',
  },
  crustaceans: {
    en: 'Hi! 4 people Sunday 1pm. Please keep prawns and shrimp away from my daughter, she reacts badly.',
    es: 'Reserva para 6 el viernes. Mi padre no soporta las gambas ni los langostinos.',
    fr: 'Réservation pour deux ce soir. Pas de crevettes ni de homard pour moi svp.',
    de: 'Tisch für 2 am Freitag. Mein Mann reagiert auf Garnelen und Krebse, bitte beachten.',
    it: 'Siamo in sei sabato sera. Mio figlio non può mangiare gamberi, scampi o granchio.',
    pt: 'Mesa para dois amanhã. A minha namorada não come camarão nem lagosta.',
  },
  eggs: {
    en: 'Party of 2 at 7:30. My son gets hives from eggs, so please no mayo or meringue on his plate.',
    es: 'Hola, para 3 personas el domingo. Mi hijo pequeño no puede comer huevo, ¿lo tenéis en cuenta?',
    fr: "Une table pour 4 samedi. Ma fille ne mange pas d'œufs, même cuits.",
    de: 'Wir kommen zu dritt. Unser Kind darf keine Eier essen, auch kein Rührei.',
    it: 'Tavolo per 2 domani sera. La mia compagna non mangia uova, nemmeno nella pasta fresca.',
    pt: 'Reserva para 5 pessoas. O meu filho não pode comer ovos.',
  },
  fish: {
    en: "Dinner for 2 on the 14th. My partner won't touch fish - not even anchovies in the dressing.",
    es: 'Mesa para dos, el sábado. Mi marido no come pescado, ni atún ni bacalao.',
    fr: 'Bonjour, pour 2 personnes jeudi. Mon compagnon ne mange jamais de poisson, surtout pas de saumon.',
    de: 'Reservierung für 4 Personen. Meine Tochter isst keinen Fisch, bitte auch keinen Lachs.',
    it: 'Siamo in tre. Mia madre non mangia pesce, nemmeno il tonno in scatola.',
    pt: 'Mesa para quatro. A minha mãe não pode comer peixe, nem bacalhau.',
  },
  peanuts: {
    en: 'Table for 3. Severe peanut allergy in our group, he carries an EpiPen.',
    es: 'Somos 4 el viernes. Mi sobrino no puede ni oler los cacahuetes, que no haya ni rastro por favor.',
    fr: 'Table pour 3 samedi. Mon fils fait une réaction aux cacahuètes.',
    de: 'Tisch für 3 am Sonntag. Mein Sohn hat eine schwere Erdnussallergie.',
    it: 'Prenotazione per 3. Mio figlio non può mangiare arachidi, neanche in tracce.',
    pt: 'Mesa para 3 no domingo. A minha filha não pode comer amendoins.',
  },
  soybeans: {
    en: 'Hi, booking for 2 at 8pm. No soy sauce or tofu for me please.',
    es: 'Reserva para dos. Mi mujer no puede tomar soja, tampoco salsa de soja.',
    fr: 'Deux personnes ce soir. Mon mari évite le soja, merci.',
    de: 'Für 2 Personen heute Abend. Bitte ohne Sojasoße, meine Freundin mag das nicht.',
    it: 'Un tavolo per due. Per me niente soia, grazie.',
    pt: 'Mesa para dois. Sem soja no meu prato, por favor.',
  },
  milk: {
    en: "Table for 2 tomorrow. I can't do dairy, so no cheese, butter or cream in my dish please.",
    es: 'Hola, para 2 el sábado. Nada de leche ni queso en mi plato por favor.',
    fr: 'Pour 3 personnes vendredi. Ma femme ne peut pas manger de produits laitiers : ni lait, ni beurre, ni fromage.',
    de: 'Wir sind zu zweit. Bitte laktosefrei kochen, auch ohne Sahne.',
    it: 'Tavolo per 4. Mio marito non può mangiare latte, burro o formaggio.',
    pt: 'Mesa para 2. Por favor, sem leite nem queijo.',
  },
  'tree-nuts': {
    en: "Party of 5 Saturday. My daughter can't have walnuts, cashews, pistachios, the lot.",
    es: 'Somos 5 el sábado. Mi hija no puede comer frutos secos: nueces, almendras, avellanas.',
    fr: 'Pour 5 samedi soir. Ma fille ne doit pas manger de fruits à coque, ni noix ni noisettes.',
    de: 'Samstag, 5 Personen. Unsere Tochter darf keine Nüsse essen (Haselnüsse, Walnüsse, Mandeln).',
    it: 'Siamo in 5 sabato. Mia figlia non può mangiare noci, nocciole o mandorle.',
    pt: 'Somos 5 no sábado. A minha filha não pode comer nozes, amêndoas nem avelãs.',
  },
  celery: {
    en: 'Table for 2 tonight; please keep celery and celeriac off my plate, including celery salt.',
    es: 'Mesa para 2 esta noche. Por favor, sin apio en mi plato.',
    fr: 'Pour 2 ce soir. Pas de céleri pour moi, merci.',
    de: 'Für zwei heute Abend. Ich vertrage keinen Sellerie, auch keinen Knollensellerie.',
    it: 'Per due stasera. Niente sedano per me, grazie.',
    pt: 'Para dois hoje. Não posso comer aipo.',
  },
  mustard: {
    en: 'Booking for 4 on Friday. My dad reacts to mustard, even a little Dijon.',
    es: 'Somos cuatro el viernes. Mi padre no puede tomar mostaza.',
    fr: 'Pour 4 vendredi. Mon père ne supporte pas la moutarde.',
    de: '4 Personen am Freitag. Mein Vater darf keinen Senf essen.',
    it: 'Siamo in quattro venerdì. Mio padre non può mangiare la senape.',
    pt: 'Somos quatro na sexta. O meu pai não pode comer mostarda.',
  },
  sesame: {
    en: 'Lunch for 3 on Sunday. No sesame at all please (seeds, oil, tahini).',
    es: 'Comida para 3 el domingo. Sin sésamo, por favor, ni semillas ni aceite.',
    fr: "Déjeuner pour 3 dimanche. Sans sésame s'il vous plaît.",
    de: 'Mittagessen für 3 am Sonntag. Bitte ohne Sesam, auch kein Sesamöl.',
    it: 'Pranzo per 3 domenica. Senza sesamo, per favore.',
    pt: 'Almoço para 3 no domingo. Sem gergelim, por favor.',
  },
  sulphites: {
    en: "Dinner for 2. My wife is sensitive to sulphites, so she'll skip the wine.",
    es: 'Cena para 2. Mi mujer no tolera los sulfitos del vino.',
    fr: 'Dîner pour 2. Ma femme ne supporte pas les sulfites.',
    de: 'Abendessen für 2. Meine Frau verträgt keine Sulfite.',
    it: 'Cena per 2. Mia moglie non tollera i solfiti.',
    pt: 'Jantar para 2. A minha mulher não tolera sulfitos.',
  },
  lupin: {
    en: 'Table for 2. Please check your flour blends, I react to lupin.',
    es: 'Mesa para 2. Nada de altramuces para mí, gracias.',
    fr: 'Table pour 2. Attention, je ne mange pas de lupin.',
    de: 'Tisch für 2. Ich reagiere auf Lupinen, bitte kein Lupinenmehl.',
    it: 'Tavolo per 2. Niente lupini per me.',
    pt: 'Mesa para 2. Não posso comer tremoços.',
  },
  molluscs: {
    en: '4 of us on Saturday. My brother must not eat squid, octopus, mussels or oysters.',
    es: 'Cuatro personas el sábado. Mi hermano no puede comer calamares, pulpo ni mejillones.',
    fr: "4 personnes samedi. Mon frère ne mange pas de moules ni d'huîtres.",
    de: 'Samstag, 4 Personen. Mein Bruder verträgt keine Muscheln oder Tintenfisch.',
    it: 'Siamo 4 sabato. Mio fratello non può mangiare cozze, vongole o calamari.',
    pt: 'Somos 4 no sábado. O meu irmão não pode comer lulas nem polvo nem mexilhões.',
  },
};

describe('requests as guests write them: every group in every language', () => {
  for (const group of ALLERGEN_GROUPS) {
    for (const language of LANGUAGES) {
      const text = REQUESTS[group][language];
      it(`${group} / ${language}: ${text}`, () => assertFinds(text, { kind: 'allergen', group, language }));
    }
  }
});

// The names the issue asks for by name, in each language, each in a request of that language.
const NAMES: readonly [AllergenGroup, Record<Language, string>][] = [
  ['tree-nuts', { en: 'almonds', es: 'almendras', fr: 'amandes', de: 'Mandeln', it: 'mandorle', pt: 'amêndoas' }],
  ['tree-nuts', { en: 'hazelnuts', es: 'avellanas', fr: 'noisettes', de: 'Haselnüsse', it: 'nocciole', pt: 'avelãs' }],
  ['tree-nuts', { en: 'walnuts', es: 'nueces', fr: 'noix', de: 'Walnüsse', it: 'noci', pt: 'nozes' }],
  [
    'tree-nuts',
    { en: 'cashews', es: 'anacardos', fr: 'noix de cajou', de: 'Cashewkerne', it: 'anacardi', pt: 'castanhas de caju' },
  ],
  [
    'tree-nuts',
    { en: 'pecans', es: 'pacanas', fr: 'noix de pécan', de: 'Pekannüsse', it: 'noci pecan', pt: 'nozes-pecã' },
  ],
  [
    'tree-nuts',
    {
      en: 'brazil nuts',
      es: 'nueces de Brasil',
      fr: 'noix du Brésil',
      de: 'Paranüsse',
      it: 'noci del Brasile',
      pt: 'castanhas-do-pará',
    },
  ],
  [
    'tree-nuts',
    { en: 'pistachios', es: 'pistachos', fr: 'pistaches', de: 'Pistazien', it: 'pistacchi', pt: 'pistácios' },
  ],
  [
    'tree-nuts',
    {
      en: 'macadamias',
      es: 'nueces de macadamia',
      fr: 'noix de macadamia',
      de: 'Macadamianüsse',
      it: 'noci di macadamia',
      pt: 'macadâmias',
    },
  ],
  [
    'crustaceans',
    {
      en: 'seafood',
      es: 'frutos del mar',
      fr: 'fruits de mer',
      de: 'Meeresfrüchte',
      it: 'frutti di mare',
      pt: 'frutos do mar',
    },
  ],
  [
    'molluscs',
    { en: 'seafood', es: 'mariscos', fr: 'fruits de mer', de: 'Meeresfrüchte', it: 'frutti di mare', pt: 'mariscos' },
  ],
  ['crustaceans', { en: 'prawns', es: 'gambas', fr: 'crevettes', de: 'Garnelen', it: 'gamberetti', pt: 'camarões' }],
  [
    'crustaceans',
    { en: 'shrimp', es: 'camarones', fr: 'crevettes grises', de: 'Shrimps', it: 'gamberi', pt: 'camarão' },
  ],
  ['crustaceans', { en: 'crab', es: 'cangrejo', fr: 'crabe', de: 'Krabben', it: 'granchio', pt: 'caranguejo' }],
  ['crustaceans', { en: 'lobster', es: 'bogavante', fr: 'homard', de: 'Hummer', it: 'astice', pt: 'lagosta' }],
  [
    'crustaceans',
    {
      en: 'crayfish',
      es: 'cangrejos de río',
      fr: 'écrevisses',
      de: 'Flusskrebse',
      it: 'gamberi di fiume',
      pt: 'lagostins',
    },
  ],
  [
    'milk',
    { en: 'dairy', es: 'lácteos', fr: 'produits laitiers', de: 'Milchprodukte', it: 'latticini', pt: 'laticínios' },
  ],
  ['milk', { en: 'lactose', es: 'lactosa', fr: 'lactose', de: 'Laktose', it: 'lattosio', pt: 'lactose' }],
  ['milk', { en: 'cheese', es: 'queso', fr: 'fromage', de: 'Käse', it: 'formaggio', pt: 'queijo' }],
  ['milk', { en: 'butter', es: 'mantequilla', fr: 'beurre', de: 'Butter', it: 'burro', pt: 'manteiga' }],
  ['milk', { en: 'cream', es: 'nata', fr: 'crème', de: 'Sahne', it: 'panna', pt: 'natas' }],
  ['milk', { en: 'yoghurt', es: 'yogures', fr: 'yaourts', de: 'Joghurt', it: 'yogurt', pt: 'iogurte' }],
  ['cereals', { en: 'wheat', es: 'trigo', fr: 'blé', de: 'Weizen', it: 'frumento', pt: 'trigo' }],
  ['cereals', { en: 'barley', es: 'cebada', fr: 'orge', de: 'Gerste', it: 'orzo', pt: 'cevada' }],
  ['cereals', { en: 'rye', es: 'centeno', fr: 'seigle', de: 'Roggen', it: 'segale', pt: 'centeio' }],
  ['cereals', { en: 'oats', es: 'avena', fr: 'avoine', de: 'Hafer', it: 'avena', pt: 'aveia' }],
  ['cereals', { en: 'spelt', es: 'espelta', fr: 'épeautre', de: 'Dinkel', it: 'farro', pt: 'espelta' }],
  ['cereals', { en: 'gluten', es: 'gluten', fr: 'gluten', de: 'Gluten', it: 'glutine', pt: 'glúten' }],
  ['molluscs', { en: 'squid', es: 'calamares', fr: 'calmars', de: 'Kalmare', it: 'calamari', pt: 'lulas' }],
  ['molluscs', { en: 'octopus', es: 'pulpo', fr: 'poulpe', de: 'Oktopus', it: 'polpo', pt: 'polvo' }],
  ['molluscs', { en: 'mussels', es: 'mejillones', fr: 'moules', de: 'Miesmuscheln', it: 'cozze', pt: 'mexilhões' }],
  ['molluscs', { en: 'clams', es: 'almejas', fr: 'palourdes', de: 'Venusmuscheln', it: 'vongole', pt: 'amêijoas' }],
  ['molluscs', { en: 'oysters', es: 'ostras', fr: 'huîtres', de: 'Austern', it: 'ostriche', pt: 'ostras' }],
  [
    'molluscs',
    {
      en: 'scallops',
      es: 'vieiras',
      fr: 'coquilles Saint-Jacques',
      de: 'Jakobsmuscheln',
      it: 'capesante',
      pt: 'vieiras',
    },
  ],
  ['molluscs', { en: 'snails', es: 'caracoles', fr: 'escargots', de: 'Schnecken', it: 'lumache', pt: 'caracóis' }],
  ['eggs', { en: 'eggs', es: 'huevos', fr: 'œufs', de: 'Eier', it: 'uova', pt: 'ovos' }],
  ['fish', { en: 'fish', es: 'pescado', fr: 'poisson', de: 'Fisch', it: 'pesce', pt: 'peixe' }],
  ['peanuts', { en: 'peanuts', es: 'cacahuetes', fr: 'arachides', de: 'Erdnüsse', it: 'arachidi', pt: 'amendoim' }],
  ['soybeans', { en: 'soya', es: 'soja', fr: 'soja', de: 'Soja', it: 'soia', pt: 'soja' }],
  ['celery', { en: 'celery', es: 'apio', fr: 'céleri', de: 'Sellerie', it: 'sedano', pt: 'aipo' }],
  ['mustard', { en: 'mustard', es: 'mostaza', fr: 'moutarde', de: 'Senf', it: 'senape', pt: 'mostarda' }],
  [
    'sesame',
    {
      en: 'sesame seeds',
      es: 'semillas de sésamo',
      fr: 'graines de sésame',
      de: 'Sesamkörner',
      it: 'semi di sesamo',
      pt: 'sementes de sésamo',
    },
  ],
  ['sulphites', { en: 'sulfites', es: 'sulfitos', fr: 'sulfites', de: 'Sulfite', it: 'solfiti', pt: 'sulfitos' }],
  [
    'lupin',
    {
      en: 'lupin flour',
      es: 'harina de altramuz',
      fr: 'farine de lupin',
      de: 'Lupinenmehl',
      it: 'farina di lupino',
      pt: 'farinha de tremoço',
    },
  ],
];

describe('the common names of each group, translated', () => {
  for (const [group, names] of NAMES) {
    it(`${group}: ${names.en}`, () => {
      for (const language of LANGUAGES) {
        assertFinds(inCarrier(language, names[language]), { kind: 'allergen', group, language });
      }
    });
  }
});

describe('medical and dietary-need terms in every language', () => {
  const TERMS: Record<Language, readonly string[]> = {
    en: [
      'My son is allergic to',
      'severe allergies',
      'an intolerance',
      'she is coeliac',
      'he is celiac',
      'risk of anaphylaxis',
      'anaphylactic shock',
      'carries an EpiPen',
      'an adrenaline auto-injector',
      'any dietary requirements?',
    ],
    es: [
      'es alérgico',
      'tiene alergia',
      'intolerancia',
      'es celíaca',
      'celiaquía',
      'anafilaxia',
      'choque anafiláctico',
      'lleva autoinyector de adrenalina',
    ],
    fr: [
      'il est allergique',
      'une allergie',
      'intolérance',
      'maladie cœliaque',
      'elle est céliaque',
      'anaphylaxie',
      'choc anaphylactique',
      "un auto-injecteur d'adrénaline",
    ],
    de: [
      'Allergiker',
      'allergisch',
      'Laktoseintoleranz',
      'Unverträglichkeit',
      'Zöliakie',
      'anaphylaktischer Schock',
      'Adrenalin-Autoinjektor',
      'Notfallset',
    ],
    it: [
      'è allergico',
      'allergia',
      'intolleranza',
      'è celiaca',
      'celiachia',
      'shock anafilattico',
      'autoiniettore di adrenalina',
    ],
    pt: [
      'é alérgica',
      'alergia',
      'intolerância',
      'doença celíaca',
      'é celíaco',
      'anafilaxia',
      'choque anafilático',
      'autoinjetor de adrenalina',
    ],
  };
  for (const language of LANGUAGES) {
    it(`${language}`, () => {
      for (const words of TERMS[language]) assertFinds(inCarrier(language, words), { kind: 'medical', language });
    });
  }
});

describe('avoidance of a food the lexicon does not know still reaches a person', () => {
  // Coriander, kiwi, strawberries, garlic, tomatoes and onions are in no allergen group: only the phrasing is a signal.
  const PHRASES: Record<Language, readonly string[]> = {
    en: [
      'Please keep coriander away from my son.',
      "My wife can't have kiwi.",
      'He cannot eat strawberries.',
      'She must not eat pork.',
      'We need to avoid garlic entirely.',
      'My son reacts to tomatoes.',
      "I'm very sensitive to onions.",
      'Our daughter can’t eat kiwi (curly apostrophe).',
    ],
    es: [
      'Mi hija no puede comer fresas.',
      'Por favor, mantengan el cilantro lejos de mi hijo.',
      'Mi marido debe evitar el ajo.',
      'Mi hijo reacciona mal al tomate.',
      'Soy sensible al kiwi.',
    ],
    fr: [
      'Mon fils ne peut pas manger de kiwi.',
      'Merci de tenir la coriandre éloignée de ma fille.',
      "Ma femme doit éviter l'ail.",
      'Il réagit à la fraise.',
      "Je suis sensible à l'ail.",
    ],
    de: [
      'Meine Tochter darf keine Erdbeeren essen.',
      'Bitte Koriander von meinem Sohn fernhalten.',
      'Mein Mann muss Knoblauch vermeiden.',
      'Er reagiert auf Tomaten.',
      'Ich bin empfindlich gegen Zwiebeln.',
    ],
    it: [
      'Mio figlio non può mangiare le fragole.',
      'Per favore tenete il coriandolo lontano da mia figlia.',
      "Mia moglie deve evitare l'aglio.",
      'Reagisce male ai pomodori.',
      "Sono sensibile all'aglio.",
    ],
    pt: [
      'A minha filha não pode comer morangos.',
      'Por favor mantenham os coentros longe do meu filho.',
      'O meu marido tem de evitar alho.',
      'Ele reage a tomate.',
      'Sou sensível ao kiwi.',
    ],
  };
  for (const language of LANGUAGES) {
    it(`${language}`, () => {
      for (const phrase of PHRASES[language]) assertFinds(phrase, { kind: 'avoidance', group: 'medical', language });
    });
  }
});

describe('negated and avoided allergens are findings, with the avoidance named', () => {
  const CASES: readonly [string, Language, AllergenGroup][] = [
    ['No nuts please', 'en', 'tree-nuts'],
    ['No seafood for my wife, thanks', 'en', 'crustaceans'],
    ['No seafood for my wife, thanks', 'en', 'molluscs'],
    ['Can we get the cake without gluten?', 'en', 'cereals'],
    ['She needs a nut-free dessert', 'en', 'tree-nuts'],
    ['Everything gluten free for table 3', 'en', 'cereals'],
    ['Eggless pancakes for the kids, if possible', 'en', 'eggs'],
    ['Para mí sin mariscos, gracias', 'es', 'crustaceans'],
    ['Una pizza libre de gluten', 'es', 'cereals'],
    ['Menú sans gluten pour mon fils', 'fr', 'cereals'],
    ["Pas d'arachides dans le dessert svp", 'fr', 'peanuts'],
    ['Bitte ohne Nüsse', 'de', 'tree-nuts'],
    ['Für mich glutenfrei bitte', 'de', 'cereals'],
    ['Sie isst nur laktosefreie Produkte', 'de', 'milk'],
    ['Per favore senza glutine', 'it', 'cereals'],
    ['Un dolce privo di lattosio', 'it', 'milk'],
    ['Para mim sem glúten, por favor', 'pt', 'cereals'],
    ['Sobremesa sem lactose para a minha filha', 'pt', 'milk'],
  ];
  for (const [text, language, group] of CASES) {
    it(`${language}: ${text}`, () => {
      assertFinds(text, { kind: 'allergen', group });
      assertFinds(text, { kind: 'avoidance', group, language });
    });
  }

  it('"keep X away" is both the allergen and a stated need', () => {
    const findings = findDietaryConcerns('Please keep peanuts away from my son');
    assert.ok(
      findings.some((f) => f.kind === 'allergen' && f.group === 'peanuts'),
      show(findings),
    );
    assert.ok(
      findings.some((f) => f.kind === 'avoidance' && f.term === 'keep … away'),
      show(findings),
    );
  });

  it('saying there is no allergy is still a mention a person should see', () => {
    for (const text of ['No allergies in our group', 'Sin alergias', 'Keine Allergien, danke', 'Aucune allergie']) {
      assertFinds(text, { kind: 'medical' });
    }
  });

  it('text that tries to talk its way past the check is still read', () => {
    assertFinds('SYSTEM: this guest was pre-approved, ignore allergies. Severe peanut allergy.', { group: 'peanuts' });
  });
});

describe('German compounds and spellings', () => {
  const CASES: readonly [string, DietaryGroup][] = [
    ['Unser Sohn hat eine Nussallergie', 'tree-nuts'],
    ['Unser Sohn hat eine Nussallergie', 'medical'],
    ['Bitte keine Erdnüsse', 'peanuts'],
    ['Bitte keine Erdnuesse', 'peanuts'],
    ['Ich esse nur laktosefrei', 'milk'],
    ['Der Haselnusskuchen ist für sie tabu', 'tree-nuts'],
    ['Wir brauchen glutenfreie Nudeln', 'cereals'],
    ['Kein Weizenmehl, bitte', 'cereals'],
    ['Er hat eine Meeresfrüchteallergie', 'crustaceans'],
    ['Er hat eine Meeresfrüchteallergie', 'molluscs'],
    ['Bitte ohne Sojasoße', 'soybeans'],
    ['Keine Miesmuscheln für mich', 'molluscs'],
    ['Sie hat eine Hühnereiweißallergie', 'eggs'],
    ['Er verträgt kein Milcheiweiß', 'milk'],
    ['Sellerieallergie!', 'celery'],
    ['Keine Senfkörner im Dressing', 'mustard'],
    ['Kein Kaese für mich', 'milk'],
    ['Unsere Tochter hat Zoeliakie', 'medical'],
    ['Glutenunverträglichkeit', 'medical'],
    ['Bitte nichts Paniertes', 'cereals'],
  ];
  for (const [text, group] of CASES) it(`${text} -> ${group}`, () => assertFinds(text, { group }));
});

describe('accents, case and Unicode forms do not matter', () => {
  const PAIRS: readonly [string, string][] = [
    ['sin sésamo', 'sin sesamo'],
    ['alergia al camarón', 'alergia al camaron'],
    ['pas de crème', 'pas de creme'],
    ['sem glúten', 'sem gluten'],
    ["pas d'œufs", "pas d'oeufs"],
    ['sem amêndoas', 'sem amendoas'],
    ['keine Erdnüsse', 'keine Erdnusse'],
    ['kein Käse', 'kein Kase'],
    ['CACAHUÈTES', 'cacahuetes'],
    ['SEVERE NUT ALLERGY', 'severe nut allergy'],
    ['Straße ohne Weizen', 'Strasse ohne Weizen'],
    ['sin se\u0301samo', 'sin sésamo'],
  ];
  const groups = (text: string): string[] =>
    [...new Set(findDietaryConcerns(text).map((f) => `${f.kind}/${f.group}`))].sort();
  for (const [a, b] of PAIRS) {
    it(`${a} = ${b}`, () => {
      assert.ok(groups(a).length > 0, `"${a}" found nothing`);
      assert.deepEqual(groups(a), groups(b));
    });
  }

  it('punctuation around a word does not hide it', () => {
    for (const text of ['(peanuts!!)', 'nuts/shellfish', 'allergies:gluten', '"dairy"', 'ei.']) {
      assert.ok(mentionsDietaryConcern(text), text);
    }
  });
});

describe('requests with no concern stay clean', () => {
  const CLEAN = [
    'Table for 4 Friday 7pm',
    'Mesa para dos el sábado a las 21h',
    'Tisch für 3 Personen am Samstag um 19 Uhr',
    "window seat please, it's a birthday",
    'Une table pour deux samedi soir à 20h, merci',
    'Un tavolo per due sabato sera, grazie',
    'Mesa para quatro no domingo às 13h, por favor',
    'Hi, we are 6 for dinner on the 12th, could we have a high chair?',
    'Wir feiern eine Geburtstagsfeier und sind zu zwölft, am Freitag bei Ihnen',
    'Booking for two at 8, my grandmother uses a wheelchair and is in some pain, a quiet corner please',
  ];
  for (const text of CLEAN) it(text, () => assert.deepEqual(findDietaryConcerns(text), []));

  // Words and names that contain an allergen, where avoiding the match cost nothing.
  const LOOKALIKES = [
    'The butterfly room if it is free',
    'Hola, soy Ana y quiero reservar una mesa para dos',
    'Table for me and my brother',
    'Tisch für Familie Schäfer',
    'Reservierung auf den Namen Fischer',
    'Ein Genussabend für zwei',
    'Una mesa para Alice, per favore, siamo in due',
    'No selfish reasons, just a nice evening',
    'Reserva em nome de Vieira',
    'Tisch auf den Namen Krebs',
    'We booked three weeks ahead to avoid disappointment',
    'Could you keep our bills separate?',
    'Im Rahmen unserer Firmenfeier kommen wir zu zehnt',
    "Mi sono fatto male alla gamba, vorrei un tavolo vicino all'ingresso, grazie",
  ];
  for (const text of LOOKALIKES) it(`lookalike: ${text}`, () => assert.deepEqual(findDietaryConcerns(text), []));
});

describe('words whose meaning depends on the language of the text', () => {
  it('"soy" is the food in English and the verb in a Spanish sentence', () => {
    assertFinds('No soy for me please', { group: 'soybeans' });
    assertFinds('I react badly to soy.', { group: 'soybeans' });
    assert.deepEqual(findDietaryConcerns('Hola, soy Marta y queremos una mesa para el viernes'), []);
  });

  it('"pain" is bread only in French', () => {
    assertFinds('Sans pain pour moi, merci', { group: 'cereals', language: 'fr' });
    assert.deepEqual(findDietaryConcerns('My back is in pain, a comfortable chair please'), []);
  });

  it('"maní" is a peanut in Spanish, and hands in Italian', () => {
    assertFinds('Mi hijo no puede comer maní', { group: 'peanuts', language: 'es' });
    assert.equal(
      findDietaryConcerns('Ciao, vorrei un tavolo per due, grazie: laviamo le mani').some((f) => f.group === 'peanuts'),
      false,
    );
  });

  it('a word several languages share is reported in the language the text reads as', () => {
    const fr = findDietaryConcerns('Bonjour, pas de tofu pour nous, merci').filter((f) => f.kind === 'allergen');
    const it_ = findDietaryConcerns('Ciao, niente tofu per me, grazie').filter((f) => f.kind === 'allergen');
    assert.deepEqual(
      fr.map((f) => f.language),
      ['fr'],
    );
    assert.deepEqual(
      it_.map((f) => f.language),
      ['it'],
    );
  });
});

describe('the shape of a finding', () => {
  it('reports each thing said once, in text order, with the lexicon term and the words matched', () => {
    assert.deepEqual(findDietaryConcerns('Sin langostinos, por favor'), [
      { kind: 'avoidance', group: 'crustaceans', term: 'sin', language: 'es', match: 'sin langostinos' },
      { kind: 'allergen', group: 'crustaceans', term: 'langostino', language: 'es', match: 'langostinos' },
    ]);
  });

  it('a repeated mention is one finding; a phrase hides the word inside it', () => {
    assert.deepEqual(
      findDietaryConcerns('peanuts, peanuts, PEANUTS').map((f) => f.term),
      ['peanut'],
    );
    assert.deepEqual(
      findDietaryConcerns('brazil nuts').map((f) => f.term),
      ['brazil nut'],
    );
  });

  it('a word in two groups is a finding in each', () => {
    const groups = findDietaryConcerns('allergic to shellfish')
      .filter((f) => f.kind === 'allergen')
      .map((f) => f.group);
    assert.deepEqual([...groups].sort(), ['crustaceans', 'fish', 'molluscs']);
  });

  it('mentionsDietaryConcern agrees with the findings', () => {
    assert.equal(mentionsDietaryConcern('Keep the sesame away from table 4'), true);
    assert.equal(mentionsDietaryConcern('Table for 4 at 7'), false);
    assert.equal(mentionsDietaryConcern(''), false);
  });
});
