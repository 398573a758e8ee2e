// Dietary lexicon: the words, in six languages, that mean a guest's food could hurt them. Data only;
// dietary.ts does the matching. Add a word here and its test is generated from this file.

export const LANGUAGES = ['en', 'es', 'fr', 'de', 'it', 'pt'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The fourteen allergen groups EU food-labelling law names (Regulation 1169/2011, Annex II). */
export const ALLERGEN_GROUPS = [
  'cereals', 'crustaceans', 'eggs', 'fish', 'peanuts', 'soybeans', 'milk',
  'tree-nuts', 'celery', 'mustard', 'sesame', 'sulphites', 'lupin', 'molluscs',
] as const;
export type AllergenGroup = (typeof ALLERGEN_GROUPS)[number];

/**
 * One entry, written in the matcher's notation. Case and accents do not matter (both sides are folded).
 * Each space-separated piece of a phrase is one word of the text:
 *   `egg`        that word, or it with one of its language's inflections (eggs, eggy, eggless)
 *   `allerg*`    any word that starts with it (allergy, allergic, allergique)
 *   `*milch*`    any word that contains it: German compounds (Kuhmilch, Milchprodukte)
 *   `*fish`      any word that ends with it or an inflection of it (catfish, shellfish)
 *   `=ei`        exactly that word, no inflection (German "Ei", not "Eis")
 *   `…`          up to six words of anything, inside a phrase (`keep … away`)
 */
export type Term = string | TermRule;

/** An entry with a guard, for a word that is also an everyday word or name in some context. */
export interface TermRule {
  readonly term: string;
  /**
   * Words or phrases (same notation) that contain the term but do not mean it: when one of them matches where
   * the term matches, the match is dropped (`*nuss*` except `*genuss*`; `avoid*` except `avoid* disappointment`).
   */
  readonly except?: readonly string[];
  /** Only count the term when the text reads, even slightly, as this language ("pain" is bread in French only). */
  readonly onlyInText?: Language;
  /** Skip the term when the text clearly reads as this language (Spanish "soy" is "I am"). */
  readonly notInText?: Language;
}

export type ByLanguage<T> = { readonly [L in Language]: T };

export interface AllergenEntry {
  /** The group's name as the regulation words it, for a person reading a finding. */
  readonly label: string;
  readonly terms: ByLanguage<readonly Term[]>;
}

/** Weak negations: they only mean something next to an allergen ("no rush" is not a concern, "no nuts" is). */
export interface Negation {
  /** Before the allergen, up to two words away: "no nuts", "sin gluten", "pas d'arachides". */
  readonly before: readonly string[];
  /** After it, up to two words away: "gluten free", "nut and dairy free". */
  readonly after: readonly string[];
  /** Inside the same word, after the allergen: "glutenfree", "laktosefrei", "eggless". */
  readonly compound: readonly string[];
}

export interface Lexicon {
  readonly allergens: { readonly [G in AllergenGroup]: AllergenEntry };
  /** Conditions and needs that are a concern whatever food they name, or none. */
  readonly medical: ByLanguage<readonly Term[]>;
  /** Avoidance phrasings that state a need on their own, even when the food is not in this lexicon. */
  readonly avoidance: ByLanguage<readonly Term[]>;
  readonly negation: ByLanguage<Negation>;
  /**
   * Plurals and endings, after folding. Key: how a word ends ('' for any word); value: what may replace
   * that ending. Italian `o: ['i', 'a']` lets "uovo" match "uova" and "gambero" match "gamberi".
   */
  readonly inflections: ByLanguage<Readonly<Record<string, readonly string[]>>>;
  /**
   * Common words that show which language a text is in, after folding. They only decide the guarded
   * entries above and which language a word shared by several languages is reported in.
   */
  readonly markers: ByLanguage<readonly string[]>;
}

export const LEXICON: Lexicon = {
  allergens: {
    cereals: {
      label: 'cereals containing gluten',
      terms: {
        en: ['gluten', 'wheat', 'barley', 'rye', 'oat', 'oatmeal', 'spelt', 'kamut', 'triticale', 'durum', 'farro', 'malt',
          'flour', 'bread', 'breadcrumb', 'pasta', 'noodle', 'couscous', 'semolina', 'bulgur', 'seitan'],
        es: ['gluten', 'trigo', 'cebada', 'centeno', 'avena', 'espelta', 'kamut', 'harina', 'pan', 'pasta', 'sémola',
          'cuscús', 'seitán', 'tacc'],
        fr: ['gluten', 'blé', 'orge', 'seigle', 'avoine', 'épeautre', 'kamut', 'farine', { term: 'pain', onlyInText: 'fr' },
          'pâtes', 'semoule', 'couscous', 'seitan', 'chapelure'],
        de: ['*gluten*', '*weizen*', '*gerste*', '*roggen*', { term: '*hafer*', except: ['*schafer*', '*schaefer*'] },
          '*dinkel*', 'kamut', '*mehl*', { term: '*brot*', except: ['*brother*', '*broth'] }, '*nudel*', '*grieß*',
          '*panier*', 'panade', 'couscous', 'bulgur', 'seitan'],
        it: ['glutine', 'frumento', 'grano', 'orzo', 'segale', 'avena', 'farro', 'kamut', 'farina', 'pane', 'pasta',
          'semola', 'cuscus', 'seitan', 'pangrattato'],
        pt: ['glúten', 'trigo', 'cevada', 'centeio', 'aveia', 'espelta', 'kamut', 'farinha', 'pão', 'sêmola', 'cuscuz',
          'seitan'],
      },
    },
    crustaceans: {
      label: 'crustaceans',
      terms: {
        en: ['crustacean', 'shellfish', 'shell fish', 'seafood', 'prawn', 'shrimp', 'crab', 'lobster', 'crayfish',
          'crawfish', 'langoustine', 'scampi', 'krill'],
        // "gamba" is also Italian for a leg.
        es: ['crustáceo', 'marisco', 'frutos del mar', { term: 'gamba', notInText: 'it' }, 'camarón', 'langostino',
          'cangrejo', 'langosta', 'bogavante', 'cigala', 'nécora', 'centollo', 'quisquilla', 'percebe'],
        fr: ['crustacé', 'fruits de mer', 'crevette', 'crabe', 'homard', 'langouste', 'langoustine', 'écrevisse',
          'tourteau', 'scampi'],
        de: ['*krustentier*', { term: '*krebs*', except: ['=krebs'] }, '*schalentier*', '*meeresfrücht*', '*garnele*',
          '*krabbe*', '*hummer*', '*languste*', '*scampi*', '*shrimp*', 'gambas'],
        it: ['crostaceo', 'frutti di mare', 'gambero', 'gamberetto', 'gamberone', 'granchio', 'aragosta', 'astice',
          'scampo', 'mazzancolla', 'canocchia'],
        pt: ['crustáceo', 'marisco', 'frutos do mar', 'camarão', { term: 'gamba', notInText: 'it' }, 'caranguejo',
          'lagosta', 'lagostim', 'santola', 'sapateira'],
      },
    },
    eggs: {
      label: 'eggs',
      terms: {
        en: ['egg', 'eggnog', 'yolk', 'albumen', 'mayonnaise', 'mayo', 'meringue', 'aioli', 'omelette', 'omelet'],
        es: ['huevo', 'mayonesa', 'merengue', 'alioli', 'tortilla'],
        fr: ['œuf', 'mayonnaise', 'meringue', 'omelette'],
        // Not `*ei*`: "ei" is inside half the German language (frei, zwei, Feier).
        de: ['=ei', 'eier*', 'eiweiß*', 'eigelb*', 'eifrei', '*rührei*', '*spiegelei*', '*hühnerei*', 'mayonnaise', 'mayo',
          'omelett*'],
        it: ['uovo', 'tuorlo', 'albume', 'maionese', 'meringa', 'frittata'],
        pt: ['ovo', 'gema', 'maionese', 'merengue', 'omelete'],
      },
    },
    fish: {
      label: 'fish',
      terms: {
        en: [{ term: '*fish', except: ['*selfish', '=elfish', '=standoffish'] }, 'salmon', 'tuna', 'cod', 'haddock', 'anchovy',
          'anchovies', 'sardine', 'trout', 'mackerel', 'herring', 'hake', 'halibut', 'tilapia', 'sea bass', 'sea bream',
          'plaice'],
        es: ['pescado', 'pez', 'atún', 'salmón', 'bacalao', 'anchoa', 'boquerón', 'merluza', 'sardina', 'trucha', 'lubina',
          'caballa'],
        fr: ['poisson', 'saumon', 'thon', 'cabillaud', 'morue', 'anchois', 'sardine', 'truite', 'maquereau', 'merlu',
          'hareng', 'dorade'],
        de: [{ term: '*fisch*', except: ['=fischer', '=fischers'] }, '*lachs*', '*forelle*', '*sardelle*', '*sardine*',
          '*kabeljau*', '*dorsch*', { term: '*hering', except: ['*dhering'] }, '*makrele*', 'anchovis'],
        // Not "alice" alone: it is a first name far more often than an anchovy.
        it: ['pesce', 'salmone', 'tonno', 'merluzzo', 'baccalà', 'acciuga', '=alici', 'sardina', 'trota', 'branzino',
          'orata', 'spigola', 'sgombro', 'aringa'],
        pt: ['peixe', 'salmão', 'atum', 'bacalhau', 'sardinha', 'anchova', 'truta', 'pescada', 'robalo', 'dourada',
          'cavala', 'arenque'],
      },
    },
    peanuts: {
      label: 'peanuts',
      terms: {
        en: ['peanut', 'groundnut', 'monkey nut', 'arachis', 'satay'],
        // "maní" is also Italian for hands.
        es: ['cacahuete', 'cacahuate', { term: 'maní', notInText: 'it' }, 'manises'],
        fr: ['arachide', 'cacahuète', 'cacahouète'],
        de: ['*erdnuss*'],
        it: ['arachide', 'nocciolina'],
        pt: ['amendoim'],
      },
    },
    soybeans: {
      label: 'soybeans',
      terms: {
        en: [{ term: 'soy', notInText: 'es' }, 'soya', 'soybean', 'soymilk', 'soja', 'tofu', 'edamame', 'miso', 'tempeh'],
        es: ['soja', 'soya', 'tofu', 'edamame'],
        fr: ['soja', 'tofu', 'édamame'],
        de: ['*soja*', 'tofu', 'edamame'],
        it: ['soia', 'tofu', 'edamame'],
        pt: ['soja', 'tofu', 'edamame'],
      },
    },
    milk: {
      label: 'milk',
      terms: {
        en: ['*milk*', 'dairy', 'lactose', 'cheese*', 'butter', 'cream', 'yoghurt', 'yogurt', 'whey', 'casein', 'ghee',
          'mozzarella', 'parmesan', 'ricotta', 'mascarpone', 'feta', 'cheddar', 'custard'],
        es: ['leche', 'lácteo', 'lactosa', 'queso', 'mantequilla', 'manteca', 'nata', 'crema', 'yogur', 'yogurt', 'caseína',
          'requesón'],
        fr: ['lait', 'laitier', 'laitière', 'lactose', 'fromage', 'beurre', 'crème', 'yaourt', 'yogourt', 'caséine',
          'lactosérum', 'chantilly'],
        de: ['*milch*', '*laktose*', '*lactose*', { term: '*butter*', except: ['*butterfl*', '*butternut*', '*buttercup*'] },
          { term: '*käse*', except: ['*kaserne*'] }, '*sahne*',
          { term: '*rahm*', except: ['rahmen*', '*rahmen'] }, '*quark*', '*joghurt*', '*jogurt*', '*molke*',
          'schmand', 'ghee'],
        it: ['latte', 'latticino', 'lattosio', 'formaggio', 'burro', 'panna', 'yogurt', 'mozzarella', 'ricotta',
          'mascarpone', 'parmigiano', 'caseina', 'besciamella'],
        pt: ['leite', 'laticínio', 'lacticínio', 'lactose', 'queijo', 'manteiga', 'nata', 'iogurte', 'requeijão', 'caseína'],
      },
    },
    'tree-nuts': {
      label: 'nuts (tree nuts)',
      terms: {
        en: ['tree nut', 'nut', 'almond', 'hazelnut', 'walnut', 'cashew', 'pecan', 'brazil nut', 'pistachio', 'macadamia',
          'pine nut', 'chestnut', 'filbert', 'praline', 'marzipan', 'nougat', 'nutella', 'frangipane', 'gianduja'],
        es: ['fruto seco', 'nuez', 'almendra', 'avellana', 'anacardo', 'cajú', 'pacana', 'castaña', 'pistacho', 'macadamia',
          'piñón', 'mazapán', 'turrón', 'praliné'],
        fr: ['fruit à coque', 'noix', 'amande', 'noisette', 'cajou', 'pécan', 'pistache', 'macadamia', 'pignon',
          'châtaigne', 'praliné', 'massepain', 'frangipane', 'nougat'],
        de: [{ term: '*nuss*', except: ['*genuss*'] }, '*schalenfrücht*', { term: '*mandel*', except: ['*mandela*'] },
          '*cashew*', '*pistazie*', '*macadamia*', '*marzipan*', '*nougat*', '*krokant*', '*pinienkern*', '*kastanie*',
          '*maroni*'],
        it: ['frutta a guscio', 'frutta secca', 'noce', 'mandorla', 'nocciola', 'anacardo', 'pecan', 'pistacchio',
          'macadamia', 'pinolo', 'castagna', 'marzapane', 'gianduia', 'gianduja', 'torrone'],
        pt: ['fruto seco', 'fruto de casca rija', 'oleaginosa', 'noz', 'amêndoa', 'avelã', 'caju', 'castanha', 'pecã',
          'pistácio', 'pistache', 'macadâmia', 'pinhão', 'marzipã'],
      },
    },
    celery: {
      label: 'celery',
      terms: {
        en: ['celery', 'celeriac'],
        es: ['apio'],
        fr: ['céleri'],
        de: ['*sellerie*'],
        it: ['sedano'],
        pt: ['aipo', 'salsão'],
      },
    },
    mustard: {
      label: 'mustard',
      terms: {
        en: ['mustard'],
        es: ['mostaza'],
        fr: ['moutarde'],
        de: ['*senf*'],
        it: ['senape'],
        pt: ['mostarda'],
      },
    },
    sesame: {
      label: 'sesame seeds',
      terms: {
        en: ['sesame', 'tahini', 'tahina'],
        es: ['sésamo', 'ajonjolí', 'tahini'],
        fr: ['sésame', 'tahini'],
        de: ['*sesam*', 'tahini'],
        it: ['sesamo', 'tahina', 'tahini'],
        pt: ['sésamo', 'gergelim', 'tahine'],
      },
    },
    sulphites: {
      label: 'sulphur dioxide and sulphites',
      terms: {
        en: ['sulphite', 'sulfite', 'sulphur dioxide', 'sulfur dioxide', '=so2'],
        es: ['sulfito', 'dióxido de azufre', 'anhídrido sulfuroso'],
        fr: ['sulfite', 'dioxyde de soufre', 'anhydride sulfureux'],
        de: ['*sulfit*', '*schwefel*'],
        it: ['solfito', 'anidride solforosa', 'biossido di zolfo'],
        pt: ['sulfito', 'dióxido de enxofre', 'anidrido sulfuroso'],
      },
    },
    lupin: {
      label: 'lupin',
      terms: {
        en: ['lupin', 'lupine', 'lupini'],
        es: ['altramuz', 'lupino'],
        fr: ['lupin'],
        de: ['*lupin*'],
        it: ['lupino'],
        pt: ['tremoço', 'lupino'],
      },
    },
    molluscs: {
      label: 'molluscs',
      terms: {
        en: ['mollusc', 'mollusk', 'shellfish', 'shell fish', 'seafood', 'squid', 'calamari', 'octopus', 'octopi',
          'mussel', 'clam', 'oyster', 'scallop', 'snail', 'escargot', 'cuttlefish', 'cockle', 'whelk', 'abalone'],
        // Plural only: Vieira is a common surname.
        es: ['molusco', 'marisco', 'frutos del mar', 'calamar', 'chipirón', 'pulpo', 'mejillón', 'almeja', 'ostra',
          'ostión', '=vieiras', 'caracol', 'sepia', 'berberecho'],
        fr: ['mollusque', 'fruits de mer', 'calmar', 'calamar', 'encornet', 'poulpe', 'pieuvre', 'moule', 'palourde',
          'huître', 'coquille saint jacques', 'pétoncle', 'escargot', 'seiche', 'bulot', 'bigorneau'],
        de: ['*weichtier*', '*molluske*', '*meeresfrücht*', '*schalentier*', '*tintenfisch*', '*kalmar*', '*calamar*',
          '*oktopus*', '*krake*', '*muschel*', { term: '*auster*', except: ['*austere*'] }, '*schnecke*', '*sepia*'],
        it: ['mollusco', 'frutti di mare', 'calamaro', 'totano', 'polpo', 'piovra', 'moscardino', 'cozza', 'vongola',
          'ostrica', 'capasanta', 'capesante', 'lumaca', 'seppia'],
        pt: ['molusco', 'marisco', 'frutos do mar', 'lula', 'polvo', 'mexilhão', 'amêijoa', 'ostra', '=vieiras', 'caracol',
          'sépia', 'berbigão'],
      },
    },
  },

  medical: {
    // `alerg*` in English too: it is the commonest misspelling.
    en: ['allerg*', 'alerg*', 'intoleran*', 'coeliac*', 'celiac*', 'anaphyla*', 'epipen', 'epi pen', 'auto injector',
      'autoinjector', 'adrenaline', 'epinephrine', 'jext', 'anapen', 'emerade', 'dietary', 'special diet', 'diabet*'],
    es: ['alerg*', 'intoleran*', 'celiac*', 'celiaq*', 'anafila*', 'adrenalina', 'epinefrina', 'autoinyector', 'dieta',
      'diabet*'],
    fr: ['allerg*', 'intoleran*', 'coeliaq*', 'celiaq*', 'anaphyla*', 'adrénaline', 'auto injecteur', 'autoinjecteur',
      'régime', 'diabét*'],
    de: ['*allerg*', '*intoleran*', '*unverträglich*', '*zöliak*', '*anaphyla*', '*adrenalin*', '*autoinjektor*',
      '*notfallset*', 'diät', 'schonkost', '*diabet*'],
    it: ['allerg*', 'intolleran*', 'celiac*', 'celiach*', 'anafila*', 'adrenalina', 'autoiniettore', 'dieta', 'diabet*'],
    pt: ['alerg*', 'intoleran*', 'celiac*', 'celiaq*', 'anafila*', 'adrenalina', 'autoinjetor', 'dieta', 'diabét*'],
  },

  avoidance: {
    en: ['can t have', 'cant have', 'cannot have', 'can not have', 'can t eat', 'cant eat', 'cannot eat', 'can not eat',
      'can t tolerate', 'cannot tolerate', 'must not eat', 'must not have', 'mustn t eat', 'mustn t have',
      'should not eat', 'shouldn t eat', 'does not eat', 'doesn t eat', 'not allowed to eat',
      // Booking e-mails avoid disappointment and queues; those are not a food.
      { term: 'avoid*', except: ['avoid* disappointment', 'avoid* the queue*', 'avoid* queue*', 'avoid* the wait*',
        'avoid* waiting', 'avoid* the rush', 'avoid* the crowd*', 'avoid* traffic'] },
      'keep … away', 'keeps … away', 'kept … away', 'keep … clear of', 'stay away from',
      'react* to', 'react* badly to', 'bad reaction', 'severe reaction', 'sensitive to', 'sensitivit*', 'traces of',
      'trace of', 'cross contamination', 'cross contact', 'may contain'],
    es: ['no puede* comer', 'no puede* tomar', 'no puedo comer', 'no puedo tomar', 'no debe* comer', 'no come',
      'no tolera*', 'no soporta*', 'evit*', 'manten* … lejos', 'manten* … alejad*', 'reacciona*', 'reacción',
      'sensible a', 'sensible al', 'sensibilidad', 'trazas', 'contaminación cruzada', 'que no lleve*', 'que no contenga*'],
    fr: ['peut pas manger', 'peux pas manger', 'peuvent pas manger', 'peut pas consommer', 'doit pas manger',
      'mange pas', 'mange aucun*', 'supporte pas', 'tolère pas', 'évit*', 'ten* … éloign*', 'gard* … éloign*',
      'ten* … à l écart', 'réagit', 'réaction a', 'réaction au', 'réaction aux', 'sensible a', 'sensible au',
      'sensible aux', 'sensibilité', 'traces d*', 'contamination croisée'],
    de: ['darf kein*', 'darf nicht … essen', 'dürfen kein*', 'kann kein* … essen', 'kann … nicht essen', 'isst kein*',
      'verträgt kein*', 'verträgt … nicht', 'vertrage kein*', 'nicht vertragen', 'vermeid*', 'fernhalt*', 'fernzuhalt*',
      'fern halten', '=reagiert', '=reagiere', 'empfindlich*', 'spuren von', 'kreuzkontamination*'],
    it: ['non può mangiare', 'non possono mangiare', 'non posso mangiare', 'non mangia', 'non deve mangiare',
      'non tollera', 'evit*', 'ten* … lontan*', 'reagisce', 'sensibile a*', 'sensibilità', 'tracce di',
      'contaminazione crociata'],
    pt: ['não pode comer', 'não podem comer', 'não posso comer', 'não come', 'não deve comer', 'não tolera', 'evit*',
      'mant* … longe', 'reage', 'sensível a*', 'sensibilidade', 'vestígios', 'contaminação cruzada'],
  },

  negation: {
    en: {
      before: ['no', 'not', 'without', 'zero', 'free of', 'free from', 'hold the'], after: ['free'], compound: ['free', 'less'],
    },
    es: { before: ['sin', 'no', 'nada de', 'libre de', 'exento de', 'ni'], after: [], compound: [] },
    fr: { before: ['sans', 'pas de', 'pas d', 'aucun*', 'ni', 'exempt de', 'sauf'], after: [], compound: [] },
    de: { before: ['ohne', 'kein*', 'nicht', 'frei von', 'weder'], after: ['frei'], compound: ['frei'] },
    it: { before: ['senza', 'niente', 'no', 'non', 'privo di', 'priva di', 'né'], after: [], compound: [] },
    pt: { before: ['sem', 'não', 'nada de', 'livre de', 'isento de', 'nem'], after: [], compound: [] },
  },

  inflections: {
    en: { '': ['s', 'es', 'y', 'free', 'less'], y: ['ies'] },
    es: { '': ['s', 'es'], z: ['ces'] },
    fr: { '': ['s', 'x'] },
    de: { '': ['e', 'n', 'en', 'er', 'ern', 's', 'es', 'frei'] },
    it: { o: ['i', 'a'], a: ['e'], e: ['i'], io: ['i'], co: ['chi', 'ci'], go: ['ghi', 'gi'], ca: ['che'], ga: ['ghe'] },
    pt: { '': ['s', 'es'], ao: ['oes', 'aes', 'aos'], l: ['is'], m: ['ns'] },
  },

  // Words one language uses and its neighbours do not ("para" and "mesa" are both Spanish and Portuguese).
  markers: {
    en: ['the', 'and', 'for', 'please', 'with', 'we', 'our', 'my', 'is', 'are', 'thanks', 'thank', 'you', 'hi', 'hello',
      'friday', 'saturday', 'sunday', 'tonight', 'people', 'would', 'like', 'of', 'son', 'daughter', 'wife', 'husband'],
    es: ['hola', 'gracias', 'personas', 'quiero', 'quisiera', 'queremos', 'noche', 'los', 'las', 'el', 'y', 'hijo', 'hija',
      'viernes', 'nombre', 'estoy', 'tengo', 'tenemos', 'muy', 'buenas', 'nosotros', 'usted', 'ustedes', 'es', 'sin',
      'puede', 'pueden', 'puedo', 'mujer', 'hermano', 'hermana', 'tampoco', 'tambien', 'manana'],
    fr: ['bonjour', 'bonsoir', 'merci', 'nous', 'je', 'vous', 'pour', 'avec', 'sans', 'soir', 'personnes', 'une', 'les',
      'des', 'du', 'aux', 'au', 'est', 'elle', 'mon', 'svp', 'samedi', 'dimanche', 'vendredi', 'voudrais', 'reserver',
      'fils', 'fille', 'pas', 'mari', 'femme'],
    de: ['hallo', 'guten', 'abend', 'danke', 'bitte', 'wir', 'ich', 'fur', 'mit', 'ohne', 'und', 'personen', 'tisch',
      'samstag', 'sonntag', 'freitag', 'uhr', 'sind', 'mochten', 'mein', 'meine', 'sohn', 'tochter', 'ist', 'der', 'die',
      'das', 'kein', 'keine', 'nicht'],
    it: ['ciao', 'buongiorno', 'buonasera', 'grazie', 'tavolo', 'persone', 'vorrei', 'vorremmo', 'siamo', 'per', 'il',
      'gli', 'della', 'di', 'sera', 'stasera', 'sabato', 'domenica', 'venerdi', 'prenotare', 'prenotazione', 'mio', 'mia',
      'figlio', 'figlia', 'sono', 'senza', 'non', 'che'],
    pt: ['ola', 'obrigado', 'obrigada', 'pessoas', 'quero', 'queria', 'gostaria', 'noite', 'uma', 'com', 'meu', 'minha',
      'filho', 'filha', 'os', 'do', 'nao', 'sem', 'sou', 'ele', 'ela', 'estou', 'tenho', 'tem', 'temos', 'nome', 'sexta',
      'feira', 'voces', 'dois'],
  },
};
