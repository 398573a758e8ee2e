// Intake's rule reader: a reservation request in free text (English, Spanish, French, German,
// Italian or Portuguese) -> party size, date and time, as far as the text says them. It never
// throws. What it cannot read, or reads two different ways, is listed in `missing`, so the
// workflow can ask a person or the guest for that one piece instead of dead-ending the request.
// Pure and clock-free: every relative date is resolved against `receivedOn`.
//
// How it reads: the text is folded to lowercase ASCII (accents stripped, so "mañana" and "manana",
// "für" and "fur" read alike; a standalone "à"/"às" becomes "@", which also means "at"). Rules
// then run from the most explicit form to the least, and each reading blanks out the words it
// used, so "19.30 Uhr" is a time before the date rules can see "19.30", and "12. Dezember" is a
// date before "für 12" can be a party. Readings of one thing that disagree ("Friday ... Saturday",
// "7pm or 8pm", "4-6 people") leave that thing missing: when in doubt, a person decides.

export type MissingPart = 'party size' | 'date' | 'time';

export interface RequestReading {
  partySize?: number;
  /** YYYY-MM-DD */
  date?: string;
  /** HH:MM, 24-hour clock */
  time?: string;
  missing: MissingPart[];
}

// ---------------------------------------------------------------------------------------------
// Word tables. Everything is written as the folded text reads it: lowercase, no accents, ß as ss.
// A space in a phrase matches any run of spaces or hyphens ("apres demain" reads "après-demain").

type Meridiem = 'am' | 'pm' | 'night';

interface Words {
  /** One to twenty. Words that are also articles (un, une, ein, um, uma...) are left out: "una mesa" is no count. */
  numbers: Record<string, number>;
  /** Extra hour words, read only where a time is expected ("a la una", "à une heure"). */
  hourWords: Record<string, number>;
  partyNouns: string[];
  /** "for 4": weaker evidence than a noun, since "for" takes many objects. */
  partyPreps: string[];
  /** "table for 4", "party of 4": as strong as "4 people". */
  tableWords: string[];
  tablePreps: string[];
  /** "we are 4", "somos 4" */
  weAre: string[];
  /** Phrases that are a count by themselves ("a couple", "zu viert"). */
  groupWords: Record<string, number>;
  /** Counts only after a party preposition ("para una persona"; "una persona es celíaca" is no count). */
  afterPrep: Record<string, number>;
  /** "me and my wife" / "my wife and I": a party of two when nothing else gives a count. */
  self: string[];
  my: string[];
  and: string[];
  companions: string[];
  adults: string[];
  children: string[];
  /** Words after an hour that make it a time ("21h", "19 Uhr", "8 o'clock"). */
  hourSuffixes: string[];
  /** Words before a bare hour that make it a time ("at 8", "a las 9", "alle 20"). */
  timePreps: string[];
  /** Minutes said after the hour ("ocho y media"); signed, "menos cuarto" is -15. */
  spokenMinutes: Record<string, number>;
  /** English says "seven thirty" of many things; there the spoken minutes need a time preposition. */
  spokenMinutesNeedPrep?: boolean;
  /** Minutes said before the hour ("half past seven", "halb acht" = 7:30). */
  minutesBefore: Record<string, number>;
  /** Parts of the day after an hour. `attached` ones make a bare number a time by themselves ("4 de la tarde"). */
  dayParts: Record<string, { meridiem: Meridiem; attached: boolean }>;
  /** Sunday first, as Date#getUTCDay counts. */
  weekdays: string[][];
  /** Endings glued to a weekday ("Samstagabend", "Sonntagmittag"). */
  weekdaySuffixes: string[];
  /** Weekday names that are also ordinary words ("sexta" is also "sixth"): read only after these words. */
  contextWeekdays?: { names: string[][]; after: string[] }; // or at the very start of the text
  /** January first. */
  months: string[][];
  today: string[];
  tomorrow: string[];
  dayAfterTomorrow: string[];
  noon: string[];
  midnight: string[];
  /** Said anywhere, these tilt a bare hour from 5 to 10 to the morning, or an 11 to the night. */
  morning: string[];
  evening: string[];
  /** A day of the month without a month ("the 12th", "el día 12"); regex sources, one capture. */
  dayOfMonth: string[];
}

const LANGUAGES: Record<'en' | 'es' | 'fr' | 'de' | 'it' | 'pt', Words> = {
  en: {
    numbers: {
      one: 1,
      two: 2,
      three: 3,
      four: 4,
      five: 5,
      six: 6,
      seven: 7,
      eight: 8,
      nine: 9,
      ten: 10,
      eleven: 11,
      twelve: 12,
      thirteen: 13,
      fourteen: 14,
      fifteen: 15,
      sixteen: 16,
      seventeen: 17,
      eighteen: 18,
      nineteen: 19,
      twenty: 20,
    },
    hourWords: {},
    partyNouns: ['people', 'persons', 'person', 'guests', 'guest', 'pax', 'adults', 'diners', 'covers', 'ppl', 'pers'],
    partyPreps: ['for'],
    tableWords: ['table', 'party', 'booking', 'reservation', 'group'],
    tablePreps: ['for', 'of'],
    weAre: ['we are', "we're", 'we re', 'we will be', "we'll be", 'we would be', "we'd be"],
    groupWords: { 'a couple': 2 },
    afterPrep: { 'just me': 1, 'only me': 1 },
    self: ['me', 'i'],
    my: ['my'],
    and: ['and'],
    companions: [
      'wife',
      'husband',
      'partner',
      'girlfriend',
      'boyfriend',
      'fiance',
      'fiancee',
      'friend',
      'mother',
      'mom',
      'mum',
      'father',
      'dad',
      'son',
      'daughter',
      'sister',
      'brother',
      'colleague',
    ],
    adults: ['adults', 'adult', 'grown ups', 'grownups'],
    children: ['children', 'child', 'kids', 'kid', 'babies', 'baby', 'infants', 'infant', 'toddlers', 'toddler'],
    hourSuffixes: ["o'clock", 'oclock', 'h'],
    timePreps: ['at', '@', 'around', 'about', 'at around', 'at about'],
    spokenMinutes: { thirty: 30, fifteen: 15, 'forty five': 45 },
    spokenMinutesNeedPrep: true,
    minutesBefore: {
      'half past': 30,
      'quarter past': 15,
      'a quarter past': 15,
      'quarter to': -15,
      'a quarter to': -15,
    },
    dayParts: {
      'in the evening': { meridiem: 'pm', attached: false },
      'in the afternoon': { meridiem: 'pm', attached: false },
      'in the morning': { meridiem: 'am', attached: false },
      'at night': { meridiem: 'night', attached: false },
      tonight: { meridiem: 'pm', attached: false },
      'this evening': { meridiem: 'pm', attached: false },
    },
    weekdays: [['sunday'], ['monday'], ['tuesday'], ['wednesday'], ['thursday'], ['friday'], ['saturday']],
    weekdaySuffixes: ['s'],
    months: [
      ['january', 'jan'],
      ['february', 'feb'],
      ['march', 'mar'],
      ['april', 'apr'],
      ['may'],
      ['june', 'jun'],
      ['july', 'jul'],
      ['august', 'aug'],
      ['september', 'sept', 'sep'],
      ['october', 'oct'],
      ['november', 'nov'],
      ['december', 'dec'],
    ],
    today: ['today', 'tonight', 'tonite', 'this evening', 'this afternoon'],
    tomorrow: ['tomorrow', 'tmrw', 'tomorow', 'tommorow', 'tommorrow'],
    // "after tomorrow" alone is how many non-native speakers say it ("the evening after tomorrow").
    dayAfterTomorrow: ['the day after tomorrow', 'day after tomorrow', 'after tomorrow'],
    noon: ['noon', 'midday', 'mid day'],
    midnight: ['midnight'],
    morning: ['morning', 'brunch', 'breakfast'],
    evening: ['evening', 'tonight', 'night', 'dinner'],
    dayOfMonth: [String.raw`(\d{1,2})(?:st|nd|rd|th)`],
  },
  es: {
    numbers: {
      uno: 1,
      dos: 2,
      tres: 3,
      cuatro: 4,
      cinco: 5,
      seis: 6,
      siete: 7,
      ocho: 8,
      nueve: 9,
      diez: 10,
      once: 11,
      doce: 12,
      trece: 13,
      catorce: 14,
      quince: 15,
      dieciseis: 16,
      diecisiete: 17,
      dieciocho: 18,
      diecinueve: 19,
      veinte: 20,
    },
    hourWords: { una: 1 },
    partyNouns: ['personas', 'persona', 'comensales', 'comensal', 'adultos', 'invitados', 'pax', 'pers'],
    partyPreps: ['para'],
    tableWords: ['mesa', 'reserva', 'reservacion', 'grupo'],
    tablePreps: ['para', 'de'],
    weAre: ['somos', 'seremos', 'vamos a ser', 'estaremos', 'seriamos'],
    groupWords: { 'una pareja': 2, 'en pareja': 2, 'somos pareja': 2 },
    afterPrep: { 'una persona': 1, 'una sola persona': 1, 'un comensal': 1 },
    self: ['yo'],
    my: ['mi'],
    and: ['y', 'e'],
    companions: [
      'esposa',
      'esposo',
      'mujer',
      'marido',
      'pareja',
      'novia',
      'novio',
      'amiga',
      'amigo',
      'madre',
      'padre',
      'hija',
      'hijo',
      'hermana',
      'hermano',
    ],
    adults: ['adultos', 'adulto'],
    children: ['ninos', 'nino', 'ninas', 'nina', 'bebes', 'bebe', 'menores'],
    hourSuffixes: ['h', 'hs', 'hrs', 'horas'],
    timePreps: [
      'a las',
      'a la',
      'sobre las',
      'hacia las',
      'para las',
      'para la',
      'desde las',
      'como a las',
      'a eso de las',
    ],
    spokenMinutes: { 'y media': 30, 'y cuarto': 15, 'menos cuarto': -15, 'y treinta': 30, 'y quince': 15 },
    minutesBefore: {},
    dayParts: {
      'de la noche': { meridiem: 'night', attached: true },
      'de la tarde': { meridiem: 'pm', attached: true },
      'de la manana': { meridiem: 'am', attached: true },
      'del mediodia': { meridiem: 'pm', attached: true },
      'de la madrugada': { meridiem: 'am', attached: true },
      'por la noche': { meridiem: 'pm', attached: false },
      'por la tarde': { meridiem: 'pm', attached: false },
      'por la manana': { meridiem: 'am', attached: false },
      'esta noche': { meridiem: 'pm', attached: false },
    },
    weekdays: [['domingo'], ['lunes'], ['martes'], ['miercoles'], ['jueves'], ['viernes'], ['sabado']],
    weekdaySuffixes: [],
    months: [
      ['enero'],
      ['febrero'],
      ['marzo'],
      ['abril'],
      ['mayo'],
      ['junio'],
      ['julio'],
      ['agosto'],
      ['septiembre', 'setiembre'],
      ['octubre'],
      ['noviembre'],
      ['diciembre', 'dic'],
    ],
    today: ['hoy', 'esta noche', 'esta tarde', 'este mediodia'],
    tomorrow: ['manana'],
    dayAfterTomorrow: ['pasado manana'],
    noon: ['mediodia', 'medio dia'],
    midnight: ['medianoche', 'media noche'],
    morning: ['por la manana', 'de la manana', 'desayuno', 'brunch'],
    evening: ['noche', 'cena'],
    dayOfMonth: [String.raw`(?:el\s+)?dia\s+(\d{1,2})`, String.raw`el\s+(\d{1,2})`],
  },
  fr: {
    numbers: {
      deux: 2,
      trois: 3,
      quatre: 4,
      cinq: 5,
      six: 6,
      sept: 7,
      huit: 8,
      neuf: 9,
      dix: 10,
      onze: 11,
      douze: 12,
      treize: 13,
      quatorze: 14,
      quinze: 15,
      seize: 16,
      'dix sept': 17,
      'dix huit': 18,
      'dix neuf': 19,
      vingt: 20,
    },
    hourWords: { une: 1, un: 1 },
    partyNouns: ['personnes', 'personne', 'couverts', 'convives', 'adultes', 'invites', 'pers', 'pax'],
    partyPreps: ['pour'],
    tableWords: ['table', 'reservation', 'groupe'],
    tablePreps: ['pour', 'de'],
    weAre: ['nous serons', 'nous sommes', 'on sera', 'on est', 'nous serions'],
    groupWords: { 'en couple': 2, 'un couple': 2 },
    afterPrep: { 'une personne': 1, 'une seule personne': 1, 'un couvert': 1 },
    self: ['moi'],
    my: ['ma', 'mon'],
    and: ['et'],
    companions: [
      'femme',
      'mari',
      'compagne',
      'compagnon',
      'copine',
      'copain',
      'amie',
      'ami',
      'mere',
      'pere',
      'fille',
      'fils',
      'soeur',
      'frere',
    ],
    adults: ['adultes', 'adulte'],
    children: ['enfants', 'enfant', 'bebes', 'bebe'],
    hourSuffixes: ['h', 'heures', 'heure'],
    timePreps: ['@', 'vers', 'aux alentours de'],
    spokenMinutes: {
      'et demie': 30,
      'et demi': 30,
      'et quart': 15,
      'moins le quart': -15,
      'moins quart': -15,
      trente: 30,
    },
    minutesBefore: {},
    dayParts: {
      'du soir': { meridiem: 'pm', attached: true },
      "de l'apres midi": { meridiem: 'pm', attached: true },
      'du matin': { meridiem: 'am', attached: true },
      'de la nuit': { meridiem: 'night', attached: true },
      'le soir': { meridiem: 'pm', attached: false },
      'ce soir': { meridiem: 'pm', attached: false },
    },
    weekdays: [['dimanche'], ['lundi'], ['mardi'], ['mercredi'], ['jeudi'], ['vendredi'], ['samedi']],
    weekdaySuffixes: [],
    months: [
      ['janvier', 'janv'],
      ['fevrier', 'fevr'],
      ['mars'],
      ['avril'],
      ['mai'],
      ['juin'],
      ['juillet', 'juil'],
      ['aout'],
      ['septembre'],
      ['octobre'],
      ['novembre'],
      ['decembre'],
    ],
    today: ["aujourd'hui", 'aujourdhui', 'ce soir', 'ce midi', 'cet apres midi'],
    tomorrow: ['demain'],
    dayAfterTomorrow: ['apres demain'],
    noon: ['midi'],
    midnight: ['minuit'],
    morning: ['matin', 'petit dejeuner', 'brunch'],
    evening: ['soir', 'soiree', 'diner', 'nuit'],
    dayOfMonth: [String.raw`le\s+(\d{1,2})(?:er)?`],
  },
  de: {
    numbers: {
      eins: 1,
      zwei: 2,
      zwo: 2,
      drei: 3,
      vier: 4,
      funf: 5,
      fuenf: 5,
      sechs: 6,
      sieben: 7,
      acht: 8,
      neun: 9,
      zehn: 10,
      elf: 11,
      zwolf: 12,
      zwoelf: 12,
      dreizehn: 13,
      vierzehn: 14,
      funfzehn: 15,
      fuenfzehn: 15,
      sechzehn: 16,
      siebzehn: 17,
      achtzehn: 18,
      neunzehn: 19,
      zwanzig: 20,
    },
    hourWords: { ein: 1 },
    partyNouns: ['personen', 'person', 'leute', 'gaste', 'gaeste', 'erwachsene', 'pers', 'pax'],
    partyPreps: ['fur', 'fuer'],
    tableWords: ['tisch', 'reservierung', 'tischreservierung', 'gruppe'],
    tablePreps: ['fur', 'fuer', 'von'],
    weAre: ['wir sind', 'wir sind zu', 'wir kommen zu', 'wir werden', 'wir sind insgesamt'],
    groupWords: {
      'zu zweit': 2,
      'zu dritt': 3,
      'zu viert': 4,
      'zu funft': 5,
      'zu fuenft': 5,
      'zu sechst': 6,
      'zu siebt': 7,
      'zu acht': 8,
      'zu neunt': 9,
      'zu zehnt': 10,
      'zu elft': 11,
      'zu zwolft': 12,
      'zu zwoelft': 12,
    },
    afterPrep: { 'eine person': 1, 'eine einzelne person': 1 },
    self: ['ich'],
    my: ['meine', 'mein', 'meinem', 'meiner', 'meinen'],
    and: ['und'],
    companions: [
      'frau',
      'mann',
      'partnerin',
      'partner',
      'freundin',
      'freund',
      'mutter',
      'vater',
      'tochter',
      'sohn',
      'schwester',
      'bruder',
    ],
    adults: ['erwachsene', 'erwachsenen', 'erwachsener'],
    children: ['kinder', 'kind', 'kleinkinder', 'kleinkind', 'babys', 'baby'],
    hourSuffixes: ['uhr', 'h'],
    timePreps: ['um', 'gegen', 'so um', 'so gegen', 'ab'],
    spokenMinutes: {},
    minutesBefore: { halb: -30, 'viertel nach': 15, 'viertel vor': -15, dreiviertel: -15 },
    dayParts: {
      abends: { meridiem: 'pm', attached: false },
      'am abend': { meridiem: 'pm', attached: false },
      nachmittags: { meridiem: 'pm', attached: false },
      'am nachmittag': { meridiem: 'pm', attached: false },
      mittags: { meridiem: 'pm', attached: false },
      morgens: { meridiem: 'am', attached: false },
      vormittags: { meridiem: 'am', attached: false },
      'am morgen': { meridiem: 'am', attached: false },
      'am vormittag': { meridiem: 'am', attached: false },
      nachts: { meridiem: 'night', attached: false },
    },
    weekdays: [
      ['sonntag'],
      ['montag'],
      ['dienstag'],
      ['mittwoch'],
      ['donnerstag'],
      ['freitag'],
      ['samstag', 'sonnabend'],
    ],
    weekdaySuffixes: ['abends', 'abend', 'nachmittag', 'vormittag', 'mittag', 'morgen', 's'],
    months: [
      ['januar', 'janner', 'jan'],
      ['februar', 'feb'],
      ['marz', 'maerz', 'mrz'],
      ['april', 'apr'],
      ['mai'],
      ['juni', 'jun'],
      ['juli', 'jul'],
      ['august', 'aug'],
      ['september', 'sept', 'sep'],
      ['oktober', 'okt'],
      ['november', 'nov'],
      ['dezember', 'dez'],
    ],
    today: ['heute'],
    tomorrow: ['morgen'],
    dayAfterTomorrow: ['ubermorgen', 'uebermorgen'],
    noon: ['mittag', 'mittags'],
    midnight: ['mitternacht'],
    morning: ['morgens', 'vormittag', 'vormittags', 'am morgen', 'morgen fruh', 'fruhstuck', 'fruehstueck', 'brunch'],
    evening: ['abend', 'abends', 'abendessen', 'nacht'],
    dayOfMonth: [String.raw`(?:am|den|dem|zum|vom)\s+(\d{1,2})\.`],
  },
  it: {
    numbers: {
      uno: 1,
      due: 2,
      tre: 3,
      quattro: 4,
      cinque: 5,
      sei: 6,
      sette: 7,
      otto: 8,
      nove: 9,
      dieci: 10,
      undici: 11,
      dodici: 12,
      tredici: 13,
      quattordici: 14,
      quindici: 15,
      sedici: 16,
      diciassette: 17,
      diciotto: 18,
      diciannove: 19,
      venti: 20,
    },
    hourWords: { una: 1 },
    partyNouns: ['persone', 'persona', 'ospiti', 'coperti', 'adulti', 'invitati', 'pax'],
    partyPreps: ['per'],
    tableWords: ['tavolo', 'tavola', 'prenotazione', 'gruppo'],
    tablePreps: ['per', 'da', 'di'],
    weAre: ['siamo', 'saremo', 'siamo in', 'saremo in'],
    groupWords: { 'in coppia': 2, 'una coppia': 2 },
    afterPrep: { 'una persona': 1, 'una sola persona': 1 },
    self: ['io'],
    my: ['mia', 'mio', 'la mia', 'il mio'],
    and: ['e', 'ed'],
    companions: [
      'moglie',
      'marito',
      'compagna',
      'compagno',
      'ragazza',
      'ragazzo',
      'amica',
      'amico',
      'madre',
      'padre',
      'figlia',
      'figlio',
      'sorella',
      'fratello',
    ],
    adults: ['adulti', 'adulto'],
    children: ['bambini', 'bambino', 'bambine', 'bambina', 'bimbi', 'bimbo', 'neonati', 'neonato'],
    hourSuffixes: ['h'],
    timePreps: ['alle', "all'", 'alle ore', 'ore', 'verso le', "verso l'", 'per le', "per l'", 'intorno alle', 'verso'],
    spokenMinutes: {
      'e mezza': 30,
      'e mezzo': 30,
      'e un quarto': 15,
      'e quarto': 15,
      'meno un quarto': -15,
      'e trenta': 30,
    },
    minutesBefore: {},
    dayParts: {
      'di sera': { meridiem: 'pm', attached: true },
      'della sera': { meridiem: 'pm', attached: true },
      'di mattina': { meridiem: 'am', attached: true },
      'della mattina': { meridiem: 'am', attached: true },
      'del mattino': { meridiem: 'am', attached: true },
      'del pomeriggio': { meridiem: 'pm', attached: true },
      'di pomeriggio': { meridiem: 'pm', attached: true },
      'di notte': { meridiem: 'night', attached: true },
      stasera: { meridiem: 'pm', attached: false },
    },
    weekdays: [['domenica'], ['lunedi'], ['martedi'], ['mercoledi'], ['giovedi'], ['venerdi'], ['sabato']],
    weekdaySuffixes: [],
    months: [
      ['gennaio'],
      ['febbraio'],
      ['marzo'],
      ['aprile'],
      ['maggio'],
      ['giugno'],
      ['luglio'],
      ['agosto'],
      ['settembre'],
      ['ottobre'],
      ['novembre'],
      ['dicembre'],
    ],
    today: ['oggi', 'stasera', 'stanotte', 'questa sera'],
    tomorrow: ['domani', 'domattina'],
    dayAfterTomorrow: ['dopodomani', 'dopo domani'],
    noon: ['mezzogiorno', 'mezzodi'],
    midnight: ['mezzanotte'],
    morning: ['mattina', 'mattino', 'domattina', 'colazione', 'brunch'],
    evening: ['sera', 'stasera', 'cena', 'notte'],
    dayOfMonth: [String.raw`(?:il|giorno)\s+(\d{1,2})`, String.raw`l'(\d{1,2})`],
  },
  pt: {
    numbers: {
      dois: 2,
      duas: 2,
      tres: 3,
      quatro: 4,
      cinco: 5,
      seis: 6,
      sete: 7,
      oito: 8,
      nove: 9,
      dez: 10,
      onze: 11,
      doze: 12,
      treze: 13,
      catorze: 14,
      quatorze: 14,
      quinze: 15,
      dezesseis: 16,
      dezasseis: 16,
      dezessete: 17,
      dezassete: 17,
      dezoito: 18,
      dezenove: 19,
      dezanove: 19,
      vinte: 20,
    },
    hourWords: { uma: 1, um: 1 },
    partyNouns: ['pessoas', 'pessoa', 'convidados', 'adultos', 'lugares', 'pax'],
    partyPreps: ['para', 'pra'],
    tableWords: ['mesa', 'reserva', 'grupo'],
    tablePreps: ['para', 'pra', 'de'],
    weAre: ['somos', 'seremos', 'vamos ser', 'somos em', 'seremos em'],
    groupWords: { 'um casal': 2, 'em casal': 2 },
    afterPrep: { 'uma pessoa': 1, 'uma so pessoa': 1 },
    self: ['eu'],
    my: ['minha', 'meu', 'a minha', 'o meu'],
    and: ['e'],
    companions: [
      'esposa',
      'esposo',
      'mulher',
      'marido',
      'namorada',
      'namorado',
      'amiga',
      'amigo',
      'mae',
      'pai',
      'filha',
      'filho',
      'irma',
      'irmao',
    ],
    adults: ['adultos', 'adulto'],
    children: ['criancas', 'crianca', 'bebes', 'bebe'],
    hourSuffixes: ['h', 'hs', 'horas'],
    timePreps: ['@', 'pelas', 'por volta das', 'para as', 'pras', 'perto das'],
    spokenMinutes: { 'e meia': 30, 'e quinze': 15, 'e um quarto': 15, 'e trinta': 30 },
    minutesBefore: {},
    dayParts: {
      'da noite': { meridiem: 'night', attached: true },
      'da tarde': { meridiem: 'pm', attached: true },
      'da manha': { meridiem: 'am', attached: true },
      'de manha': { meridiem: 'am', attached: false },
      'de noite': { meridiem: 'pm', attached: false },
      '@ noite': { meridiem: 'pm', attached: false },
    },
    weekdays: [
      ['domingo'],
      ['segunda feira'],
      ['terca feira'],
      ['quarta feira'],
      ['quinta feira'],
      ['sexta feira'],
      ['sabado'],
    ],
    weekdaySuffixes: [],
    contextWeekdays: {
      names: [[], ['segunda'], ['terca'], ['quarta'], ['quinta'], ['sexta'], []],
      after: ['na', 'nesta', 'esta', 'proxima', 'pra', 'para a', 'ate a', 'ate'],
    },
    months: [
      ['janeiro'],
      ['fevereiro'],
      ['marco'],
      ['abril'],
      ['maio'],
      ['junho'],
      ['julho'],
      ['agosto'],
      ['setembro'],
      ['outubro'],
      ['novembro'],
      ['dezembro'],
    ],
    today: ['hoje', 'esta noite'],
    tomorrow: ['amanha'],
    dayAfterTomorrow: ['depois de amanha'],
    noon: ['meio dia', 'meiodia'],
    midnight: ['meia noite', 'meianoite'],
    morning: ['de manha', 'pela manha', 'da manha', 'cafe da manha', 'pequeno almoco', 'brunch'],
    evening: ['noite', 'jantar'],
    dayOfMonth: [String.raw`(?:no\s+)?dia\s+(\d{1,2})`],
  },
};

/** Words that mean something else next to certain neighbours; checked wherever a table phrase is read. */
const GUARDS: Record<string, { notAfter?: string[]; notBefore?: string[] }> = {
  manana: { notAfter: ['la', 'esta', 'cada', 'una', 'esa'] }, // "por la mañana" is the morning; "mañana" alone is tomorrow
  morgen: { notAfter: ['guten', 'gute', 'heute', 'am', 'jeden', 'diesen', 'den', 'einen', 'schonen'] }, // "Guten Morgen"
  midi: { notAfter: ['apres'] }, // "après-midi" is the afternoon, not noon
  mittag: { notAfter: ['zu'] }, // "zu Mittag essen" is having lunch, not a time
  'a couple': { notBefore: ['of'] }, // "a couple of us" is a few, not two
  morning: { notAfter: ['good', 'this'] }, // a greeting, or when they wrote
  matin: { notAfter: ['ce'] },
  mattina: { notAfter: ['questa', 'buona'] },
};

/** Things a number can count that are neither people nor a clock hour: "for 2 hours", "para 50 euros". */
const UNITS = [
  'hours',
  'hour',
  'hrs',
  'hr',
  'minutes',
  'minute',
  'mins',
  'min',
  'nights',
  'days',
  'day',
  'weeks',
  'years',
  'year',
  'months',
  'euros',
  'euro',
  'eur',
  'dollars',
  'pounds',
  'horas',
  'hora',
  'minutos',
  'noches',
  'dias',
  'anos',
  'meses',
  'semanas',
  'pesos',
  'heures',
  'heure',
  'nuits',
  'jours',
  'ans',
  'mois',
  'semaines',
  'stunden',
  'stunde',
  'std',
  'minuten',
  'nachte',
  'naechte',
  'tage',
  'jahre',
  'monate',
  'wochen',
  'ore',
  'ora',
  'minuti',
  'notti',
  'giorni',
  'anni',
  'mesi',
  'settimane',
  'noites',
  'reais',
  "o'clock",
  'oclock',
  'uhr',
];

/** Words before a number that make it a length of time ("por 2 horas", "pendant 2h"), not a clock time. */
const DURATION_PREPS = [
  'for',
  'during',
  'within',
  'in',
  'durante',
  'por',
  'de',
  'en',
  'dentro de',
  'pendant',
  'dans',
  'fur',
  'fuer',
  'innerhalb',
  'per',
  'tra',
  'fra',
  'em',
];

/** Units after a number that are clock words, not lengths of time. */
const CLOCK_WORDS = ["o'clock", 'oclock', 'uhr', 'heures', 'heure', 'horas', 'hora', 'h'];

/** Words after a spaced "am" that make it German "am" (on the), not a.m.: "für 4 am Sonntag". */
const GERMAN_AM_NEXT = [
  'wochenende',
  'abend',
  'mittag',
  'nachmittag',
  'vormittag',
  'morgen',
  'tisch',
  'fenster',
  'ersten',
  'zweiten',
  'dritten',
  'letzten',
];

/** After "one of us", a verb: the sentence is about some of the party ("one of us is allergic"). */
const SOME_OF_US_NEXT = [
  'is',
  'are',
  'was',
  'were',
  'has',
  'have',
  'had',
  "'s",
  "'re",
  'can',
  'cannot',
  "can't",
  'could',
  'will',
  "won't",
  'would',
  'must',
  'should',
  'may',
  'might',
  'need',
  'needs',
  'eat',
  'eats',
  'does',
  "doesn't",
  'do',
  "don't",
  'uses',
  'use',
  'gets',
  'likes',
  'prefers',
  'wants',
  'suffers',
];

/** English "may" is also a verb; "for 2 may we sit outside" is no date. */
const MAY_VERB_NEXT = [
  'i',
  'we',
  'you',
  'he',
  'she',
  'they',
  'it',
  'be',
  'have',
  'need',
  'want',
  'bring',
  'come',
  'get',
  'also',
  'not',
  'please',
  'book',
  'sit',
  'ask',
];

/** Words before "12.10" that make it a day and month even without the closing dot. */
const DATE_PREPS = ['am', 'den', 'vom', 'le', 'el', 'il', 'dia', 'on'];

// ---------------------------------------------------------------------------------------------
// Patterns built from the tables, once, at load.

const B = '(?<![a-z0-9])'; // start of a word in the folded text
const E = '(?![a-z0-9])'; // end of a word
const LANGS = Object.values(LANGUAGES);

const key = (phrase: string): string => phrase.trim().replace(/[\s-]+/g, ' ');
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A regex alternation of phrases, longest first so "dix sept" wins over "dix". */
function alt(phrases: Iterable<string>): string {
  const list = [...new Set(phrases)].filter(Boolean).sort((a, b) => b.length - a.length);
  return list.length ? list.map((p) => p.split(' ').map(escape).join('[\\s-]+')).join('|') : '(?!)';
}

const union = (pick: (w: Words) => Iterable<string>): string[] => [...new Set(LANGS.flatMap((w) => [...pick(w)]))];

/** Ends with one of these words (to test the text just before a match). */
function endsWith(words: string[]): RegExp {
  return new RegExp(`${B}(?:${alt(words)})[\\s'-]*$`);
}

/** Starts with one of these words (to test the text just after a match). */
function startsWith(words: string[]): RegExp {
  return new RegExp(`^[\\s'-]*(?:${alt(words)})${E}`);
}

/** A preposition and the space after it; "all'" and "@" may touch the number. */
function lead(preps: string[]): string {
  const glued = preps.filter((p) => /['@]$/.test(p));
  const spaced = preps.filter((p) => !/['@]$/.test(p));
  return `${B}(?:(?:${alt(spaced)})\\s+|(?:${alt(glued)})\\s*)`;
}

const numberToken = (w: Words, hours: boolean): string =>
  `\\d{1,2}|${alt(Object.keys(hours ? { ...w.numbers, ...w.hourWords } : w.numbers))}`;

function valueOf(w: Words | undefined, token: string, hours = false): number | undefined {
  const t = key(token);
  if (/^\d+$/.test(t)) return Number(t);
  return w?.numbers[t] ?? (hours ? w?.hourWords[t] : undefined);
}

const GUARD_TESTS = Object.fromEntries(
  Object.entries(GUARDS).map(([phrase, g]) => [
    phrase,
    { before: g.notAfter && endsWith(g.notAfter), after: g.notBefore && startsWith(g.notBefore) },
  ]),
);

/** Whether a table phrase found in the text means what the table says, given its neighbours. */
function allowed(phrase: string, before: string, after: string): boolean {
  const guard = GUARD_TESTS[key(phrase)];
  if (!guard) return true;
  return !(guard.before?.test(before.slice(-40)) || guard.after?.test(after.slice(0, 40)));
}

const MONTH_OF = new Map<string, number>(
  LANGS.flatMap((w) => w.months.flatMap((names, i) => names.map((n): [string, number] => [key(n), i + 1]))),
);
const MONTHS = alt(MONTH_OF.keys());
const ALL_NOUNS = alt(union((w) => w.partyNouns));
/** After "at 8": people or a length of time ("around 8 people", "in about 20 minutes") make it no clock. */
const NOT_A_CLOCK = new RegExp(
  `^\\s*(?:${ALL_NOUNS}|of us|${alt(union((w) => [...w.adults, ...w.children]))}|${alt(UNITS.filter((u) => !CLOCK_WORDS.includes(u)))})${E}`,
);
const NOT_A_COUNT = new RegExp(`^\\s*(?:[:.,]\\d|[-–/]\\s*\\d|(?:${alt(UNITS)})${E})`);
const NOT_A_DAY = new RegExp(`^\\s*(?:[:.,]?\\d|[-–/]\\s*\\d|(?:${ALL_NOUNS}|of us|${alt(UNITS)}|h)${E})`);
const DURATION_BEFORE = endsWith(DURATION_PREPS);
const PARTY_PREP_BEFORE = endsWith(union((w) => w.partyPreps));
const TIME_PREP_BEFORE = endsWith(union((w) => w.timePreps));
const DATE_PREP_BEFORE = endsWith(DATE_PREPS);
const GERMAN_AM = new RegExp(`^\\s+(?:\\d|${alt(LANGUAGES.de.weekdays.flat())}|(?:${alt(GERMAN_AM_NEXT)})${E})`);
const MAY_VERB = startsWith(MAY_VERB_NEXT);
const SOME_OF_US = startsWith(SOME_OF_US_NEXT);
const DAY_PARTS = new Map(LANGS.flatMap((w) => Object.entries(w.dayParts).map(([p, v]) => [key(p), v] as const)));
const DAY_PART_NEXT = new RegExp(`^\\s*(?:${alt(DAY_PARTS.keys())})${E}`);

// ---------------------------------------------------------------------------------------------
// The text being read: each accepted reading blanks out its words so no later rule reads them again.

type Read<T> = (m: RegExpMatchArray, before: string, after: string) => T | undefined;
interface Rule<T> {
  pattern: RegExp;
  read: Read<T>;
}
const rule = <T>(source: string, read: Read<T>): Rule<T> => ({ pattern: new RegExp(source, 'g'), read });

class Text {
  constructor(public value: string) {}

  take<T>(rules: Array<Rule<T>>, blank = true): T[] {
    const found: T[] = [];
    for (const { pattern, read } of rules) {
      const spans: Array<[number, number]> = [];
      for (const m of this.value.matchAll(pattern)) {
        const at = m.index ?? 0;
        const value = read(
          m,
          this.value.slice(Math.max(0, at - 60), at),
          this.value.slice(at + m[0].length, at + m[0].length + 60),
        );
        if (value === undefined) continue;
        found.push(value);
        spans.push([at, at + m[0].length]);
      }
      // '#' is no letter, digit or space: a blanked span joins no phrase on either side.
      if (blank)
        for (const [from, to] of spans)
          this.value = this.value.slice(0, from) + '#'.repeat(to - from) + this.value.slice(to);
    }
    return found;
  }
}

function fold(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/(?<![\p{L}\p{N}])[àÀ][sS]?(?![\p{L}\p{N}])/gu, '@') // French "à", Portuguese "à"/"às": "at"
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/œ/g, 'oe')
    .replace(/\s+/g, ' ');
}

// ---------------------------------------------------------------------------------------------
// Times.

interface Clock {
  hour: number;
  minute: number;
  meridiem?: Meridiem;
  /** Written on a 24-hour clock with a leading zero ("07:30"): the writer meant exactly that. */
  literal?: boolean;
}

type DayPart = 'morning' | 'evening' | undefined;

/**
 * The clock a guest means. With am/pm or a part of the day, that says it. A bare hour (no am/pm,
 * no leading zero) is read inside a restaurant's service, roughly 11:00 to 23:00, because nobody
 * books a table at 8 in the morning by writing "at 8":
 *   1-4  -> 13:00-16:00 (lunch and afternoon);
 *   5-10 -> 17:00-22:00, unless the text speaks of the morning or breakfast ("Saturday morning at 10");
 *   11   -> 11:00 (an early lunch is likelier than a 23:00 seating), unless the text speaks of the night;
 *   12   -> 12:00; 0 and 13-23 as written.
 */
function clockTime(c: Clock, dayPart: DayPart): string | undefined {
  const { minute, meridiem } = c;
  let hour = c.hour;
  if (!Number.isInteger(hour) || hour < 0 || hour > 23 || minute < 0 || minute > 59) return undefined;
  if (meridiem === 'am') {
    if (hour > 12) return undefined;
    if (hour === 12) hour = 0;
  } else if (meridiem === 'pm') {
    if (hour < 12) hour += 12;
  } else if (meridiem === 'night') {
    if (hour === 12) hour = 0;
    else if (hour >= 5 && hour < 12) hour += 12;
  } else if (!c.literal && hour >= 1 && hour <= 11) {
    if (hour <= 4) hour += 12;
    else if (hour <= 10) hour = dayPart === 'morning' ? hour : hour + 12;
    else hour = dayPart === 'evening' ? 23 : 11;
  }
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** Minutes said relative to an hour on a 12-hour dial: "halb acht" is 7:30, "halb eins" 12:30. */
function shifted(hour: number, delta: number): Clock {
  if (delta >= 0) return { hour, minute: delta };
  const previous = hour === 1 ? 12 : hour === 0 ? 23 : hour - 1;
  return { hour: previous, minute: 60 + delta };
}

/** A part of the day right after the hour ("8 Uhr abends", "at 9 in the morning") settles am/pm. */
function withDayPart(c: Clock | undefined, after: string): Clock | undefined {
  if (!c || c.meridiem) return c;
  const m = DAY_PART_NEXT.exec(after);
  const part = m && DAY_PARTS.get(key(m[0].replace(/^[\s'-]+/, '')));
  return part ? { ...c, meridiem: part.meridiem } : c;
}

const digits = (s: string | undefined): number => Number(s ?? '0');

/** Forms that are a time wherever they stand: "7pm", "19:30", "21h", "19 Uhr", "halb acht", "8 y media". */
const CLOCK_RULES: Array<Rule<Clock>> = [
  ...LANGS.map((w) =>
    rule<Clock>(`${B}(${alt(Object.keys(w.minutesBefore))})\\s+(${numberToken(w, true)})${E}`, (m) => {
      const hour = valueOf(w, m[2]!, true);
      const delta = w.minutesBefore[key(m[1]!)];
      return hour === undefined || delta === undefined || hour > 12 ? undefined : shifted(hour, delta);
    }),
  ),
  rule<Clock>(
    `${B}(\\d{1,2}|${alt(Object.keys(LANGUAGES.en.numbers))})(?:[:.]([0-5]\\d))?(\\s*)([ap]\\.?\\s?m\\.?)${E}`,
    (m, _before, after) => {
      // German "für 4 am Sonntag", "um 12.10 am Samstag": a spaced, undotted "am" is "on the" there.
      if (m[4] === 'am' && m[3] && GERMAN_AM.test(after)) return undefined;
      const am = m[4]!.startsWith('a');
      const hour = valueOf(LANGUAGES.en, m[1]!);
      if (hour === undefined || hour === 0 || (am && hour > 12)) return undefined;
      return { hour, minute: digits(m[2]), meridiem: am ? 'am' : 'pm' };
    },
  ),
  ...LANGS.filter((w) => !w.spokenMinutesNeedPrep).map((w) =>
    rule<Clock>(
      `${B}(${numberToken(w, true)})(?:\\s*(?:${alt(w.hourSuffixes)}))?\\s+(${alt(Object.keys(w.spokenMinutes))})${E}`,
      (m, _b, after) => {
        const hour = valueOf(w, m[1]!, true);
        const delta = w.spokenMinutes[key(m[2]!)];
        return hour === undefined || delta === undefined || hour > 23
          ? undefined
          : withDayPart(shifted(hour, delta), after);
      },
    ),
  ),
  ...LANGS.map((w) => {
    const attached = Object.entries(w.dayParts).filter(([, v]) => v.attached);
    return rule<Clock>(
      `${B}(${numberToken(w, true)})(?:[:.]([0-5]\\d))?(?:\\s*(?:${alt(w.hourSuffixes)}))?\\s+(${alt(attached.map(([p]) => p))})${E}`,
      (m, before) => {
        if (PARTY_PREP_BEFORE.test(before)) return undefined; // "para 4 de la tarde" is at best unclear
        const hour = valueOf(w, m[1]!, true);
        const part = w.dayParts[key(m[3]!)];
        return hour === undefined || !part ? undefined : { hour, minute: digits(m[2]), meridiem: part.meridiem };
      },
    );
  }),
  rule<Clock>(`${B}(\\d{1,2}):([0-5]\\d)(?!\\d)(?:\\s*(?:h|hs|hrs|uhr)${E})?`, (m, _b, after) =>
    withDayPart({ hour: digits(m[1]), minute: digits(m[2]), literal: m[1]!.startsWith('0') }, after),
  ),
  rule<Clock>(`${B}(\\d{1,2})[.,]([0-5]\\d)\\s*(?:h|hs|hrs|uhr)${E}`, (m, _b, after) =>
    withDayPart({ hour: digits(m[1]), minute: digits(m[2]), literal: m[1]!.startsWith('0') }, after),
  ),
  rule<Clock>(`${B}(\\d{1,2})\\s?(?:h|uhr)\\s?([0-5]\\d)${E}`, (m, _b, after) =>
    withDayPart({ hour: digits(m[1]), minute: digits(m[2]), literal: m[1]!.startsWith('0') }, after),
  ),
  rule<Clock>(`${B}(\\d{1,2})\\s*(${alt(union((w) => w.hourSuffixes))})${E}`, (m, before, after) => {
    const suffix = key(m[2]!);
    // "por 2 horas", "for 2h": a length of time. "für 20 Uhr" is a time: Uhr never counts hours.
    if (!['uhr', "o'clock", 'oclock'].includes(suffix) && DURATION_BEFORE.test(before)) return undefined;
    return withDayPart({ hour: digits(m[1]), minute: 0, literal: m[1]!.startsWith('0') }, after);
  }),
  ...LANGS.map((w) =>
    // Article-like hour words ("une heure" is also "an hour") need a preposition: read in context.
    rule<Clock>(
      `${B}(${alt(Object.keys(w.numbers))})\\s+(${alt(w.hourSuffixes.filter((s) => s !== 'h'))})${E}`,
      (m, before, after) => {
        if (DURATION_BEFORE.test(before) && !/uhr|clock/.test(m[2]!)) return undefined;
        const hour = valueOf(w, m[1]!);
        return hour === undefined ? undefined : withDayPart({ hour, minute: 0 }, after);
      },
    ),
  ),
];

/** A bare hour made a time by the word before it ("at 8", "a las nueve", "alle 20", "um 19.30"). */
const CONTEXT_CLOCK_RULES: Array<Rule<Clock>> = [
  ...LANGS.map((w) =>
    rule<Clock>(
      `${lead(w.timePreps)}(${numberToken(w, true)})${E}(?:[:.]([0-5]\\d)(?!\\d))?(?:\\s+(${alt(Object.keys(w.spokenMinutes))})${E})?`,
      (m, _b, after) => {
        if (NOT_A_CLOCK.test(after)) return undefined;
        const hour = valueOf(w, m[1]!, true);
        if (hour === undefined) return undefined;
        const spoken = m[3] ? w.spokenMinutes[key(m[3])] : undefined;
        const clock =
          spoken !== undefined ? shifted(hour, spoken) : { hour, minute: digits(m[2]), literal: m[1]!.startsWith('0') };
        return withDayPart(clock, after);
      },
    ),
  ),
  // "Samstag 19.30": a dotted time past noon cannot be a day and month, so it is a time.
  rule<Clock>(`${B}(1[3-9]|2[0-3])\\.([0-5]\\d)(?!\\d|\\.\\d)`, (m) => ({ hour: digits(m[1]), minute: digits(m[2]) })),
];

const NOON_RULES: Array<Rule<string>> = [
  rule(`${B}(?:12\\s*)?(${alt(union((w) => w.noon))})${E}`, (m, before, after) =>
    allowed(m[1]!, before, after) ? '12:00' : undefined,
  ),
  rule(`${B}(?:12\\s*)?(${alt(union((w) => w.midnight))})${E}`, () => '00:00'),
];

// ---------------------------------------------------------------------------------------------
// Dates. Rules give what the text says (a day, maybe a month and year); resolving against the day
// the request came in happens after, so the rules stay fixed.

interface DateMention {
  day: number;
  month?: number;
  year?: number;
}

const yearOf = (s: string | undefined): number | undefined =>
  s === undefined ? undefined : s.length === 2 ? 2000 + Number(s) : Number(s);

/**
 * A day of the month alone, unless a count or clock follows, or the words before it are a time
 * preposition: in Italian "verso le 21" the "le 21" is a time, not French for "the 21st".
 */
const dayOnly: Read<DateMention> = (m, before, after) => {
  const lead = m[0].slice(0, m[0].search(/\d/));
  return NOT_A_DAY.test(after) || TIME_PREP_BEFORE.test(before + lead) ? undefined : { day: digits(m[1]) };
};

const DATE_RULES: Array<Rule<DateMention>> = [
  // "12/12", "12/12/2026": day first, as in every language here; "12/25" can only be month first.
  rule(`(?<![\\d/.])(\\d{1,2})/(\\d{1,2})(?:/(\\d{4}|\\d{2}))?(?![\\d/])`, (m) => {
    let day = digits(m[1]);
    let month = digits(m[2]);
    if (month > 12 && day <= 12) [day, month] = [month, day];
    return { day, month, year: yearOf(m[3]) };
  }),
  rule(`(?<![\\d-])(\\d{1,2})-(\\d{1,2})-(\\d{4}|\\d{2})(?![\\d-])`, (m) => ({
    day: digits(m[1]),
    month: digits(m[2]),
    year: yearOf(m[3]),
  })),
  // "12.12." and "12.12.2026"; "um 12.10." is a time, read later.
  rule(`(?<![\\d.])(\\d{1,2})\\.(\\d{1,2})\\.(\\d{4}|\\d{2})?(?!\\d)`, (m, before) =>
    TIME_PREP_BEFORE.test(before) || digits(m[2]) > 12
      ? undefined
      : { day: digits(m[1]), month: digits(m[2]), year: yearOf(m[3]) },
  ),
  // "am 12.12" without the closing dot only after a word that announces a date.
  rule(`(?<![\\d.])(\\d{1,2})\\.(\\d{1,2})(?![\\d.])`, (m, before) =>
    DATE_PREP_BEFORE.test(before) && digits(m[2]) <= 12 ? { day: digits(m[1]), month: digits(m[2]) } : undefined,
  ),
  // "12 December", "12th of December", "12 de diciembre de 2026", "12. Dezember", "le 1er janvier", "1º de mayo"
  rule(
    `${B}(\\d{1,2})(?:st|nd|rd|th|er|o|a|°)?\\.?\\s*(?:(?:of|de|di|del)\\s+)?(${MONTHS})\\.?${E}(?:,?\\s*(?:de\\s+|del\\s+)?(\\d{4})(?!\\d))?`,
    (m, _b, after) => {
      const month = MONTH_OF.get(key(m[2]!));
      if (month === undefined || (key(m[2]!) === 'may' && !m[3] && MAY_VERB.test(after))) return undefined;
      return { day: digits(m[1]), month, year: yearOf(m[3]) };
    },
  ),
  // "December 12", "Dec 12th, 2026"
  rule(
    `${B}(${MONTHS})\\.?\\s+(?:the\\s+)?(\\d{1,2})(?:st|nd|rd|th)?${E}(?:,?\\s*(\\d{4})(?!\\d))?`,
    (m, _b, after) => {
      const month = MONTH_OF.get(key(m[1]!));
      if (month === undefined || (!m[3] && NOT_A_DAY.test(after))) return undefined;
      return { day: digits(m[2]), month, year: yearOf(m[3]) };
    },
  ),
  // "the 12th", "el día 12", "le 12", "am 12.", "il 12", "no dia 12"
  ...LANGS.flatMap((w) =>
    w.dayOfMonth.map((source) => rule<DateMention>(`${B}${source}${source.endsWith('.') ? '' : E}`, dayOnly)),
  ),
  // "el sábado 12", "samedi 12", "Samstag, den 12.": outside English, a number after a weekday is its day.
  ...LANGS.filter((w) => w !== LANGUAGES.en).map((w) =>
    // A comma only before an article ("Samstag, den 12."): in "sábado, 2" the 2 is a party size.
    rule<DateMention>(
      `${B}(?:${alt(w.weekdays.flat())})(?:\\s+|,\\s*(?=den|le|el|il|dia))(?:(?:den|le|el|il|dia)\\s+)?(\\d{1,2})\\.?${E}`,
      dayOnly,
    ),
  ),
];

/** "pasado mañana" is blanked once read, so its "mañana" is not read again as tomorrow. */
const DAY_AFTER_TOMORROW_RULES: Array<Rule<number>> = [
  rule(`${B}(${alt(union((w) => w.dayAfterTomorrow))})${E}`, () => 2),
];

/** Not blanked: "ce midi", "este mediodía" also say noon. */
const RELATIVE_RULES: Array<Rule<number>> = [
  rule(`${B}(${alt(union((w) => w.tomorrow))})${E}`, (m, before, after) =>
    allowed(m[1]!, before, after) ? 1 : undefined,
  ),
  rule(`${B}(${alt(union((w) => w.today))})${E}`, () => 0),
];

interface WeekdayMention {
  weekday: number;
  /** "Sonntagmittag" also says noon. */
  noon: boolean;
}

const WEEKDAY_RULES: Array<Rule<WeekdayMention>> = LANGS.flatMap((w) => {
  const index = new Map(w.weekdays.flatMap((names, i) => names.map((n) => [key(n), i] as const)));
  const rules = [
    rule<WeekdayMention>(`${B}(${alt(index.keys())})(${alt(w.weekdaySuffixes)})?${E}`, (m) => {
      const weekday = index.get(key(m[1]!));
      return weekday === undefined ? undefined : { weekday, noon: m[2] === 'mittag' };
    }),
  ];
  const ctx = w.contextWeekdays;
  if (ctx) {
    const short = new Map(ctx.names.flatMap((names, i) => names.map((n) => [key(n), i] as const)));
    rules.push(
      rule<WeekdayMention>(`(?:^\\s*|${B}(?:${alt(ctx.after)})\\s+)(${alt(short.keys())})${E}`, (m) => {
        const weekday = short.get(key(m[1]!));
        return weekday === undefined ? undefined : { weekday, noon: false };
      }),
    );
  }
  return rules;
});

function isoDate(year: number, month: number, day: number): string | undefined {
  if (!Number.isInteger(year) || year < 1000 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31)
    return undefined;
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCMonth() === month - 1 && d.getUTCDate() === day ? d.toISOString().slice(0, 10) : undefined;
}

function parseReceived(receivedOn: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(receivedOn.trim());
  const iso = m && isoDate(digits(m[1]), digits(m[2]), digits(m[3]));
  return iso ? new Date(`${iso}T00:00:00Z`) : undefined;
}

const plusDays = (base: Date, n: number): string =>
  new Date(base.getTime() + n * 86_400_000).toISOString().slice(0, 10);

/** A day (and maybe month and year) -> the first such date not before the day the request came in. */
function resolve(mention: DateMention, base: Date | undefined): string | undefined {
  const { day, month, year } = mention;
  if (year !== undefined && month !== undefined) return isoDate(year, month, day);
  if (!base) return undefined;
  const from = base.toISOString().slice(0, 10);
  if (month !== undefined) {
    // Eight years reach the next 29 February from any day.
    for (let y = base.getUTCFullYear(); y <= base.getUTCFullYear() + 8; y++) {
      const iso = isoDate(y, month, day);
      if (iso && iso >= from) return iso;
    }
    return undefined;
  }
  for (let i = 0; i < 24; i++) {
    const m0 = base.getUTCMonth() + i;
    const iso = isoDate(base.getUTCFullYear() + Math.floor(m0 / 12), (m0 % 12) + 1, day);
    if (iso && iso >= from) return iso;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Party size.

const countOk = (n: number | undefined, after: string): number | undefined =>
  n !== undefined && n >= 1 && !NOT_A_COUNT.test(after) ? n : undefined;

/** Both ends of "4-6 people", "4 o 5 personas": a range is no party size, so it reads as two that disagree. */
const RANGE_RULES: Array<Rule<number[]>> = [
  rule(`${B}(\\d{1,2})\\s*(?:-|–|to|or|a|o|ou|oder|bis)\\s*(\\d{1,2})\\s*(?:${ALL_NOUNS})${E}`, (m) => [
    digits(m[1]),
    digits(m[2]),
  ]),
];

/** "2 adults and 2 children" -> 4. */
const COMPOSITION_RULES: Array<Rule<number>> = LANGS.map((w) => {
  const n = `\\d{1,2}|${alt(Object.keys(w.numbers))}`;
  return rule<number>(
    `${B}(${n})\\s+(?:${alt(w.adults)})${E}\\s*(?:,|\\+|&|(?:${alt([...w.and, 'with', 'con', 'avec', 'mit', 'com'])})${E})\\s*(${n})\\s+(?:${alt(w.children)})${E}`,
    (m) => {
      const adults = valueOf(w, m[1]!);
      const children = valueOf(w, m[2]!);
      return adults && children ? adults + children : undefined;
    },
  );
});

const MORE_FOLLOW = new Map(
  LANGS.map((w) => [
    w,
    new RegExp(`^\\s*,?\\s*(?:\\+|&|(?:${alt([...w.and, 'with', 'con', 'avec', 'mit', 'com', 'plus'])})${E})`),
  ]),
);

/** "me and my wife, and our two kids": more people follow, so the phrase is no count by itself. */
function moreFollow(w: Words, after: string): boolean {
  return MORE_FOLLOW.get(w)!.test(after);
}

/** A count said outright may have three digits ("200 people", "a table for 120"): a party the
 *  restaurant cannot seat is still a party, refused with the reason by the workflow's rules. */
const BIG_COUNT = String.raw`\d{1,2}|[1-9]\d{2}`;

/** Each of these says a party size outright. */
const PARTY_RULES: Array<Rule<number>> = [
  rule(`${B}(${BIG_COUNT})\\s*(?:-\\s*)?(?:${ALL_NOUNS})${E}`, (m) => countOk(digits(m[1]), '')),
  ...LANGS.flatMap((w) => {
    const n = `\\d{1,2}|${alt(Object.keys(w.numbers))}`;
    const afterPrep = Object.keys(w.afterPrep);
    return [
      rule<number>(`${B}(${alt(Object.keys(w.numbers))})\\s+(?:${alt(w.partyNouns)})${E}`, (m) => valueOf(w, m[1]!)),
      rule<number>(
        `${B}(?:${alt(w.tableWords)})\\s+(?:${alt(w.tablePreps)})\\s+(${BIG_COUNT}|${alt(Object.keys(w.numbers))})${E}`,
        (m, _b, after) => countOk(valueOf(w, m[1]!), after),
      ),
      rule<number>(`${B}(?:${alt(w.weAre)})\\s+(${n})${E}`, (m, _b, after) => countOk(valueOf(w, m[1]!), after)),
      rule<number>(`${B}(${alt(Object.keys(w.groupWords))})${E}`, (m, before, after) =>
        allowed(m[1]!, before, after) ? w.groupWords[key(m[1]!)] : undefined,
      ),
      rule<number>(`${B}(?:${alt(w.partyPreps)})\\s+(${alt(afterPrep)})${E}`, (m, _b, after) =>
        moreFollow(w, after) ? undefined : w.afterPrep[key(m[1]!)],
      ),
    ];
  }),
  // "2 of us", "the four of us"; but "one of us is allergic" speaks of some of the party, not its size.
  rule(`${B}(the\\s+)?(\\d{1,2}|${alt(Object.keys(LANGUAGES.en.numbers))})\\s+of\\s+us${E}`, (m, _b, after) =>
    !m[1] && SOME_OF_US.test(after) ? undefined : countOk(valueOf(LANGUAGES.en, m[2]!), ''),
  ),
];

/** "for 4", "para dos": a count only when nothing stronger says one. */
const WEAK_PARTY_RULES: Array<Rule<number>> = LANGS.map((w) =>
  rule<number>(`${B}(?:${alt(w.partyPreps)})\\s+(\\d{1,2}|${alt(Object.keys(w.numbers))})${E}`, (m, _b, after) =>
    countOk(valueOf(w, m[1]!), after),
  ),
);

/** "me and my wife", "mi mujer y yo", "meine Frau und ich": two, when nothing else gives a count. */
const COMPANION_RULES: Array<Rule<number>> = LANGS.flatMap((w) => {
  const self = alt(w.self);
  const and = alt(w.and);
  const companion = `(?:${alt(w.my)})\\s+(?:${alt(w.companions)})`;
  const read: Read<number> = (_m, _b, after) => (moreFollow(w, after) ? undefined : 2);
  return [
    rule(`${B}(?:${self})\\s+(?:${and})\\s+${companion}${E}`, read),
    rule(`${B}${companion}\\s+(?:${and})\\s+(?:${self})${E}`, read),
  ];
});

// ---------------------------------------------------------------------------------------------

/** One value when every reading agrees, none when there are none or they disagree. */
function agreed<T>(values: T[]): T | undefined {
  const distinct = [...new Set(values)];
  return distinct.length === 1 ? distinct[0] : undefined;
}

const MORNING = new RegExp(`${B}(${alt(union((w) => w.morning))})${E}`, 'g');
const EVENING = new RegExp(`${B}(${alt(union((w) => w.evening))})${E}`, 'g');

function dayPartOf(text: string): DayPart {
  const said = (pattern: RegExp) => {
    return [...text.matchAll(pattern)].some((m) => {
      const at = m.index ?? 0;
      return allowed(m[1]!, text.slice(Math.max(0, at - 40), at), text.slice(at + m[0].length));
    });
  };
  // German glues the evening to the weekday: "Samstagabend".
  const morning = said(MORNING);
  const evening = said(EVENING) || /tagabend/.test(text);
  return morning === evening ? undefined : morning ? 'morning' : 'evening';
}

/**
 * Reads party size, date and time from a reservation request. `receivedOn` (YYYY-MM-DD) is the
 * local date the request came in: weekdays mean the next such day after it (the same weekday
 * means a week later), and a day and month without a year the first such date not before it.
 */
export function readRequest(text: string, receivedOn: string): RequestReading {
  const t = new Text(fold(String(text ?? '')));
  const base = parseReceived(String(receivedOn ?? ''));
  const dayPart = dayPartOf(t.value);

  // Weekdays first, without blanking: their names hold no digits, and "el sábado 12" needs both.
  const weekdays = t.take(WEEKDAY_RULES, false);

  const mentions: DateMention[] = t.take([
    rule<DateMention>(`(?<!\\d)(\\d{4})[-/.](\\d{1,2})[-/.](\\d{1,2})(?!\\d)`, (m) => ({
      year: digits(m[1]),
      month: digits(m[2]),
      day: digits(m[3]),
    })),
  ]);
  const clocks = t.take(CLOCK_RULES);
  mentions.push(...t.take(DATE_RULES));
  clocks.push(...t.take(CONTEXT_CLOCK_RULES));
  const offsets = [...t.take(DAY_AFTER_TOMORROW_RULES), ...t.take(RELATIVE_RULES, false)];
  const noons = t.take(NOON_RULES);
  if (weekdays.some((w) => w.noon)) noons.push('12:00');

  // Dates: every concrete date must agree, and every weekday named must be that date's weekday.
  const concrete = [
    ...mentions.map((m) => resolve(m, base)),
    ...offsets.map((n) => (base ? plusDays(base, n) : undefined)),
  ];
  let date: string | undefined;
  if (concrete.length) {
    date = concrete.includes(undefined) ? undefined : agreed(concrete);
    const weekday = date && new Date(`${date}T00:00:00Z`).getUTCDay();
    if (date && weekdays.some((w) => w.weekday !== weekday)) date = undefined;
  } else if (base) {
    const weekday = agreed(weekdays.map((w) => w.weekday));
    if (weekday !== undefined) date = plusDays(base, (weekday - base.getUTCDay() + 7) % 7 || 7);
  }

  // Times: stated clocks outrank "noon" ("Sonntagmittag um 13 Uhr" is 13:00; "a las 2 del mediodía" 14:00).
  const stated = clocks.map((c) => clockTime(c, dayPart));
  const time = stated.length ? (stated.includes(undefined) ? undefined : agreed(stated)) : agreed(noons);

  // Party size: the strongest kind of reading present decides; within a kind they must agree.
  const strong = [...t.take(RANGE_RULES).flat(), ...t.take(COMPOSITION_RULES)];
  strong.push(...t.take(PARTY_RULES, false));
  const levels = [strong, t.take(WEAK_PARTY_RULES, false), t.take(COMPANION_RULES, false)];
  const level = levels.find((values) => values.length > 0) ?? [];
  const partySize = agreed(level);

  const missing: MissingPart[] = [];
  if (partySize === undefined) missing.push('party size');
  if (date === undefined) missing.push('date');
  if (time === undefined) missing.push('time');
  return {
    ...(partySize !== undefined && { partySize }),
    ...(date !== undefined && { date }),
    ...(time !== undefined && { time }),
    missing,
  };
}
