// Unit tests for intake's multilingual rule reader: requests as guests write them in six
// languages, each form of party size, date and time, partial readings (what is missing is named,
// nothing throws), the traps (por la mañana, Guten Morgen, a bare "20"), disagreements left
// missing, and the English phrasings the old rules read, read the same.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readRequest, type RequestReading } from '../src/reading.js';

// 2026-11-23 is a Monday: Tue 24, Wed 25, Thu 26, Fri 27, Sat 28, Sun 29, next Monday 30.
const MONDAY = '2026-11-23';

/** The full expected reading; what is not given is expected in `missing`. */
function reading(partySize?: number, date?: string, time?: string): RequestReading {
  const missing: RequestReading['missing'] = [];
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

function readsAs(cases: Array<[string, RequestReading]>, receivedOn = MONDAY): void {
  for (const [text, expected] of cases) it(text, () => assert.deepEqual(readRequest(text, receivedOn), expected));
}

function field<K extends 'partySize' | 'date' | 'time'>(
  name: K,
  cases: Array<[string, RequestReading[K]]>,
  receivedOn = MONDAY,
): void {
  for (const [text, expected] of cases)
    it(`${text} -> ${expected ?? 'nothing'}`, () => assert.equal(readRequest(text, receivedOn)[name], expected));
}

describe('reading: requests as guests write them', () => {
  describe('English', () =>
    readsAs([
      ['Sunday noon, 2 of us', reading(2, '2026-11-29', '12:00')],
      [
        'Hi, could I book a table for 4 this Friday at 7:30 pm? One of us is allergic to nuts.',
        reading(4, '2026-11-27', '19:30'),
      ],
      [
        'Could we get a table for the two of us the evening after tomorrow, around eight?',
        reading(2, '2026-11-25', '20:00'),
      ],
      ['Party of 6 on December 12th at 8pm please', reading(6, '2026-12-12', '20:00')],
      ['me and my wife, tomorrow at 7', reading(2, '2026-11-24', '19:00')],
      ['2 adults and 2 kids, Saturday 7:30 pm', reading(4, '2026-11-28', '19:30')],
      ['Good morning! Table for 2 tonight at 8', reading(2, MONDAY, '20:00')],
    ]));

  describe('Spanish', () =>
    readsAs([
      ['Hola, quería reservar una mesa para 4 personas el sábado a las 21h', reading(4, '2026-11-28', '21:00')],
      ['Buenas, mañana por la mañana a las 10 para dos', reading(2, '2026-11-24', '10:00')],
      ['Quiero reservar para el sábado por la mañana, a las 11, somos 5', reading(5, '2026-11-28', '11:00')],
      ['pasado mañana a las 2 del mediodía, mesa para tres', reading(3, '2026-11-25', '14:00')],
      ['Mi mujer y yo, el viernes a las 9 y media', reading(2, '2026-11-27', '21:30')],
      ['Somos 2 adultos y 2 niños, el 12 de diciembre a las 21:00', reading(4, '2026-12-12', '21:00')],
      ['el sábado 12 a las 21h, somos 2', reading(2, '2026-12-12', '21:00')],
    ]));

  describe('French', () =>
    readsAs([
      [
        'Bonjour, je voudrais réserver une table pour deux personnes demain soir à 20h30',
        reading(2, '2026-11-24', '20:30'),
      ],
      ['Bonsoir, nous serons 6, après-demain à midi', reading(6, '2026-11-25', '12:00')],
      ['Une table pour 4 personnes le 12 décembre à 20h, merci', reading(4, '2026-12-12', '20:00')],
      ['samedi après-midi à 3h pour 4', reading(4, '2026-11-28', '15:00')],
      ['Vendredi vers 20 heures, en couple', reading(2, '2026-11-27', '20:00')],
      ['ce soir à 8h, ma femme et moi', reading(2, MONDAY, '20:00')],
    ]));

  describe('German', () =>
    readsAs([
      ['Guten Tag, wir möchten am Sonntag um 12 Uhr einen Tisch für 3 Personen', reading(3, '2026-11-29', '12:00')],
      ['Guten Morgen, wir möchten morgen Abend um halb acht einen Tisch für vier', reading(4, '2026-11-24', '19:30')],
      ['Übermorgen um 19.30 Uhr für 5 Personen, bitte', reading(5, '2026-11-25', '19:30')],
      ['Wir kommen am 12. Dezember zu zweit, gegen 19 Uhr', reading(2, '2026-12-12', '19:00')],
      ['Samstag, den 12.12. um 19 Uhr, wir sind zu viert', reading(4, '2026-12-12', '19:00')],
      ['Sonntagmittag, Tisch für 2', reading(2, '2026-11-29', '12:00')],
      ['2 Erwachsene und 1 Kind, Samstag 18 Uhr', reading(3, '2026-11-28', '18:00')],
    ]));

  describe('Italian', () =>
    readsAs([
      ['Buonasera, vorrei prenotare un tavolo per 6 persone venerdì alle 20:30', reading(6, '2026-11-27', '20:30')],
      ['Ciao, siamo in due, domani sera alle 8', reading(2, '2026-11-24', '20:00')],
      ['dopodomani alle 8 di sera, siamo in 4', reading(4, '2026-11-25', '20:00')],
      ['Il 12 dicembre alle 20, 4 persone', reading(4, '2026-12-12', '20:00')],
      ['verso le 21, sabato, in coppia', reading(2, '2026-11-28', '21:00')],
      ['3 adulti e 2 bambini sabato alle 13', reading(5, '2026-11-28', '13:00')],
    ]));

  describe('Portuguese', () =>
    readsAs([
      ['Olá, queria reservar uma mesa para 4 pessoas no sábado às 20h', reading(4, '2026-11-28', '20:00')],
      ['Boa tarde, somos três, amanhã ao meio-dia', reading(3, '2026-11-24', '12:00')],
      ['depois de amanhã às 9 da manhã, para 2 pessoas', reading(2, '2026-11-25', '09:00')],
      ['Dia 12 de dezembro às 20h, 4 pessoas', reading(4, '2026-12-12', '20:00')],
      ['na sexta às 20h, eu e a minha esposa', reading(2, '2026-11-27', '20:00')],
      ['hoje à noite às 9, um casal', reading(2, MONDAY, '21:00')],
    ]));
});

describe('reading: the English phrasings the old rules read still read the same', () => {
  // The answers services/intake/test/intake.unit.test.ts expects of parsePartySize/parseDate/parseTime.
  it('reads the worked example: party of 4, the coming Friday, 19:00', () => {
    assert.deepEqual(
      readRequest('Table for 4, Friday 7pm, customer is a regular, allergic to shellfish', MONDAY),
      reading(4, '2026-11-27', '19:00'),
    );
    assert.deepEqual(
      readRequest('Table for 4, Friday 7pm, allergic to shellfish', MONDAY),
      reading(4, '2026-11-27', '19:00'),
    );
  });
  field('partySize', [
    ['a table for six please', 6],
    ['we are 3 people', 3],
    ['dinner on Friday', undefined],
  ]);
  field('date', [
    ['Monday at 8pm', '2026-11-30'],
    ['tomorrow 8pm', '2026-11-24'],
    ['on 2026-12-24', '2026-12-24'],
  ]);
  field('time', [
    ['at 12:30pm', '12:30'],
    ['at 12am', '00:00'],
    ['at 18:45', '18:45'],
  ]);
});

describe('reading: party size', () => {
  field('partySize', [
    ['para 4 personas', 4],
    ['pour 4 personnes', 4],
    ['für 4 Personen', 4],
    ['per 4 persone', 4],
    ['para 4 pessoas', 4],
    ['4 pax', 4],
    ['4pax', 4],
    ['mesa para dos', 2],
    ['mesa de 6', 6],
    ['Tisch für vier', 4],
    ['un tavolo per due', 2],
    ['une table pour deux', 2],
    ['for two', 2],
    ['party of 6', 6],
    ['group of 10', 10],
    ['booking for 3', 3],
    ['the four of us', 4],
    ['somos 5', 5],
    ['nous serons 3', 3],
    ['wir sind 4', 4],
    ['siamo 4', 4],
    ['somos quatro', 4],
    ['we are a couple', 2],
    ['una pareja', 2],
    ['en pareja', 2],
    ['zu zweit', 2],
    ['zu dritt', 3],
    ['en couple', 2],
    ['in coppia', 2],
    ['um casal', 2],
    ['mesa para uno', 1],
    ['para una persona', 1],
    ['pour une personne', 1],
    ['für eine Person', 1],
    ['per una persona', 1],
    ['para uma pessoa', 1],
    ['a table for just me', 1],
    ['Mesa para 20', 20],
    ['for 4, 4 people', 4],
    ['2 adults, 1 child', 3],
    ['2 adultes et 1 enfant', 3],
    ['2 adultos e 2 crianças', 4],
  ]);

  describe('"me and my wife" and its translations are two, unless more people follow', () =>
    field('partySize', [
      ['me and my wife', 2],
      ['my husband and I', 2],
      ['mi mujer y yo', 2],
      ['ma femme et moi', 2],
      ['meine Frau und ich', 2],
      ['io e mia moglie', 2],
      ['eu e a minha esposa', 2],
      ['me and my wife and our two kids', undefined],
      ['my wife and I, and her parents', undefined],
    ]));

  // Written by the test, not taken from the reader's tables. One is an article in French, German
  // and Portuguese ("une table"), so there it is covered above with its noun.
  const words: Record<string, { words: string[]; first: number; table: string; people: string }> = {
    en: {
      first: 1,
      table: 'a table for {n}',
      people: '{n} people',
      words: [
        'one',
        'two',
        'three',
        'four',
        'five',
        'six',
        'seven',
        'eight',
        'nine',
        'ten',
        'eleven',
        'twelve',
        'thirteen',
        'fourteen',
        'fifteen',
        'sixteen',
        'seventeen',
        'eighteen',
        'nineteen',
        'twenty',
      ],
    },
    es: {
      first: 1,
      table: 'una mesa para {n}',
      people: '{n} personas',
      words: [
        'uno',
        'dos',
        'tres',
        'cuatro',
        'cinco',
        'seis',
        'siete',
        'ocho',
        'nueve',
        'diez',
        'once',
        'doce',
        'trece',
        'catorce',
        'quince',
        'dieciséis',
        'diecisiete',
        'dieciocho',
        'diecinueve',
        'veinte',
      ],
    },
    fr: {
      first: 2,
      table: 'une table pour {n}',
      people: '{n} personnes',
      words: [
        'deux',
        'trois',
        'quatre',
        'cinq',
        'six',
        'sept',
        'huit',
        'neuf',
        'dix',
        'onze',
        'douze',
        'treize',
        'quatorze',
        'quinze',
        'seize',
        'dix-sept',
        'dix-huit',
        'dix-neuf',
        'vingt',
      ],
    },
    de: {
      first: 2,
      table: 'einen Tisch für {n}',
      people: '{n} Personen',
      words: [
        'zwei',
        'drei',
        'vier',
        'fünf',
        'sechs',
        'sieben',
        'acht',
        'neun',
        'zehn',
        'elf',
        'zwölf',
        'dreizehn',
        'vierzehn',
        'fünfzehn',
        'sechzehn',
        'siebzehn',
        'achtzehn',
        'neunzehn',
        'zwanzig',
      ],
    },
    it: {
      first: 1,
      table: 'un tavolo per {n}',
      people: '{n} persone',
      words: [
        'uno',
        'due',
        'tre',
        'quattro',
        'cinque',
        'sei',
        'sette',
        'otto',
        'nove',
        'dieci',
        'undici',
        'dodici',
        'tredici',
        'quattordici',
        'quindici',
        'sedici',
        'diciassette',
        'diciotto',
        'diciannove',
        'venti',
      ],
    },
    pt: {
      first: 2,
      table: 'uma mesa para {n}',
      people: '{n} pessoas',
      words: [
        'dois',
        'três',
        'quatro',
        'cinco',
        'seis',
        'sete',
        'oito',
        'nove',
        'dez',
        'onze',
        'doze',
        'treze',
        'catorze',
        'quinze',
        'dezesseis',
        'dezessete',
        'dezoito',
        'dezenove',
        'vinte',
      ],
    },
  };
  for (const [lang, { words: list, first, table, people }] of Object.entries(words)) {
    it(`reads the number words of ${lang}, after a table and before people`, () => {
      list.forEach((word, i) => {
        for (const template of [table, people]) {
          const text = template.replace('{n}', word);
          assert.equal(readRequest(text, MONDAY).partySize, first + i, text);
        }
      });
    });
  }
  it('reads the Portuguese spellings of both sides of the Atlantic', () => {
    assert.equal(readRequest('duas pessoas', MONDAY).partySize, 2);
    assert.equal(readRequest('mesa para dezasseis', MONDAY).partySize, 16);
    assert.equal(readRequest('mesa para quatorze', MONDAY).partySize, 14);
  });
});

describe('reading: dates', () => {
  describe('weekdays in six languages: the next such day, the same weekday a week later', () => {
    const weekdays: Record<string, string[]> = {
      en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
      es: ['domingo', 'lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado'],
      fr: ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'],
      de: ['Sonntag', 'Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag', 'Samstag'],
      it: ['domenica', 'lunedì', 'martedì', 'mercoledì', 'giovedì', 'venerdì', 'sabato'],
      pt: ['domingo', 'segunda-feira', 'terça-feira', 'quarta-feira', 'quinta-feira', 'sexta-feira', 'sábado'],
    };
    const expected = ['2026-11-29', '2026-11-30', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28'];
    for (const [lang, names] of Object.entries(weekdays)) {
      it(lang, () => names.forEach((name, i) => assert.equal(readRequest(name, MONDAY).date, expected[i], name)));
    }
    field('date', [
      ['Samstagabend', '2026-11-28'],
      ['na quinta', '2026-11-26'],
      ['a quinta pessoa', undefined], // "the fifth person"
      ['Sunday noon', '2026-11-29'],
    ]);
    field('date', [['Friday', '2027-01-01']], '2026-12-31');
  });

  describe('today, tonight, tomorrow, the day after', () =>
    field('date', [
      ['today', MONDAY],
      ['tonight', MONDAY],
      ['hoy', MONDAY],
      ['esta noche', MONDAY],
      ["aujourd'hui", MONDAY],
      ['ce soir', MONDAY],
      ['heute', MONDAY],
      ['heute Abend', MONDAY],
      ['oggi', MONDAY],
      ['stasera', MONDAY],
      ['hoje', MONDAY],
      ['esta noite', MONDAY],
      ['tomorrow', '2026-11-24'],
      ['mañana', '2026-11-24'],
      ['manana a las 9', '2026-11-24'],
      ['demain', '2026-11-24'],
      ['morgen', '2026-11-24'],
      ['domani', '2026-11-24'],
      ['amanhã', '2026-11-24'],
      ['day after tomorrow', '2026-11-25'],
      ['pasado mañana', '2026-11-25'],
      ['après-demain', '2026-11-25'],
      ['übermorgen', '2026-11-25'],
      ['dopodomani', '2026-11-25'],
      ['depois de amanhã', '2026-11-25'],
    ]));
  describe('relative days across a month, year and leap day', () => {
    field('date', [['tomorrow', '2027-01-01']], '2026-12-31');
    field('date', [['domani', '2028-02-29']], '2028-02-28');
  });

  describe('days and months: the next such date not before the day received', () =>
    field('date', [
      ['12 December', '2026-12-12'],
      ['12th of December', '2026-12-12'],
      ['December 12', '2026-12-12'],
      ['Dec 12th', '2026-12-12'],
      ['12 de diciembre', '2026-12-12'],
      ['12. Dezember', '2026-12-12'],
      ['le 12 décembre', '2026-12-12'],
      ['il 12 dicembre', '2026-12-12'],
      ['12 de dezembro', '2026-12-12'],
      ['12/12', '2026-12-12'],
      ['12.12.', '2026-12-12'],
      ['am 12.12', '2026-12-12'],
      ['12/12/2027', '2027-12-12'],
      ['12.12.2027', '2027-12-12'],
      ['24-12-2026', '2026-12-24'],
      ['2026/12/24', '2026-12-24'],
      ['12 December 2027', '2027-12-12'],
      ['12/25', '2026-12-25'], // month first is the only reading
      ['1er janvier', '2027-01-01'],
      ['1º de mayo', '2027-05-01'],
      ['23 November', MONDAY], // the day received is not before itself
      ['22 November', '2027-11-22'],
      ['29 February', '2028-02-29'],
      ['31 February', undefined],
      ['the 5th', '2026-12-05'],
      ['the 25th', '2026-11-25'],
      ['el día 30', '2026-11-30'],
      ['le 30', '2026-11-30'],
      ['am 30.', '2026-11-30'],
      ['il 30', '2026-11-30'],
      ['dia 30', '2026-11-30'],
      ['2019-01-01', '2019-01-01'], // read as written; whether it is past is the business checks' call
    ]));
  describe('a day and month without a year after it has passed this year', () =>
    field('date', [['12 December', '2027-12-12']], '2026-12-20'));
});

describe('reading: times', () => {
  field('time', [
    ['7pm', '19:00'],
    ['7 pm', '19:00'],
    ['at 7 p.m.', '19:00'],
    ['seven pm', '19:00'],
    ['7:30 pm', '19:30'],
    ['7.30pm', '19:30'],
    ['19:30', '19:30'],
    ['19h', '19:00'],
    ['19h30', '19:30'],
    ['19 h 30', '19:30'],
    ['19.30 Uhr', '19:30'],
    ['19 Uhr', '19:00'],
    ['20 Uhr 30', '20:30'],
    ['um 19.30', '19:30'],
    ['Samstag 19.30', '19:30'],
    ['a las 21h', '21:00'],
    ['a las 21:00hs', '21:00'],
    ['à 20h', '20:00'],
    ['alle 20', '20:00'],
    ['alle 20.30', '20:30'],
    ['às 20h', '20:00'],
    ["8 o'clock", '20:00'],
    ['at eight', '20:00'],
    ['at eight thirty', '20:30'],
    ['a las nueve', '21:00'],
    ['um acht', '20:00'],
    ['alle otto', '20:00'],
    ['às oito', '20:00'],
    ['à huit heures', '20:00'],
    ['à vingt heures', '20:00'],
    ['a la una', '13:00'],
    ["all'una", '13:00'],
    ['à une heure', '13:00'],
  ]);

  describe('noon and midnight', () =>
    field('time', [
      ['noon', '12:00'],
      ['12 noon', '12:00'],
      ['midday', '12:00'],
      ['a mediodía', '12:00'],
      ['mercredi midi', '12:00'],
      ['heute Mittag', '12:00'],
      ['a mezzogiorno', '12:00'],
      ['ao meio-dia', '12:00'],
      ['midnight', '00:00'],
      ['medianoche', '00:00'],
      ['à minuit', '00:00'],
      ['Mitternacht', '00:00'],
      ['mezzanotte', '00:00'],
      ['meia-noite', '00:00'],
      ['Sonntagmittag um 13 Uhr', '13:00'], // a stated clock outranks "noon"
    ]));

  describe('half past, quarter to, y media, halb acht', () =>
    field('time', [
      ['half past seven', '19:30'],
      ['quarter past eight', '20:15'],
      ['quarter to eight', '19:45'],
      ['halb acht', '19:30'],
      ['um halb eins', '12:30'],
      ['Viertel nach acht', '20:15'],
      ['Viertel vor acht', '19:45'],
      ['a las ocho y media', '20:30'],
      ['a las ocho y cuarto', '20:15'],
      ['a las nueve menos cuarto', '20:45'],
      ['à huit heures et demie', '20:30'],
      ['alle otto e mezza', '20:30'],
      ['às oito e meia', '20:30'],
    ]));

  describe('a part of the day said with the hour', () =>
    field('time', [
      ['a las 10 de la noche', '22:00'],
      ['a las 12 de la noche', '00:00'],
      ['a las 10 de la mañana', '10:00'],
      ['a las 4 de la tarde', '16:00'],
      ['a las 2 del mediodía', '14:00'],
      ['à 8 heures du soir', '20:00'],
      ['à 10 heures du matin', '10:00'],
      ['um 9 Uhr morgens', '09:00'],
      ['alle 9 di mattina', '09:00'],
      ['alle 11 di sera', '23:00'],
      ['às 9 da manhã', '09:00'],
      ['at 9 in the morning', '09:00'],
      ['at 11 tonight', '23:00'],
    ]));

  describe('a bare hour is read inside a restaurant service (see clockTime)', () =>
    field('time', [
      ['at 1', '13:00'],
      ['at 4', '16:00'],
      ['at 5', '17:00'],
      ['at 8', '20:00'],
      ['at 10', '22:00'],
      ['at 11', '11:00'],
      ['at 12', '12:00'],
      ['at 20', '20:00'],
      ['at 7:30', '19:30'],
      ['at 07:30', '07:30'], // a leading zero is a 24-hour clock: exactly that
      ['at 8am', '08:00'],
      ['Saturday morning at 10 for brunch', '10:00'],
      ['brunch at 1', '13:00'], // nobody brunches at 1 in the morning
      ['tonight at 11', '23:00'],
      ['domattina alle 10', '10:00'],
      ['morgen früh um 9', '09:00'],
    ]));
});

describe('reading: partial readings name what is missing', () =>
  readsAs([
    ['Sunday noon please', reading(undefined, '2026-11-29', '12:00')],
    ['Mesa para 4 el sábado', reading(4, '2026-11-28', undefined)],
    ['Wir sind zu viert, um 20 Uhr', reading(4, undefined, '20:00')],
    ['Reserva para el 20 de diciembre, somos 6', reading(6, '2026-12-20', undefined)],
    ['Je voudrais réserver pour samedi soir', reading(undefined, '2026-11-28', undefined)],
    ['Table for 2, sometime next week', reading(2, undefined, undefined)],
    ['Bonjour, je voudrais réserver une table', { missing: ['party size', 'date', 'time'] }],
    ['Quiero reservar por la mañana', { missing: ['party size', 'date', 'time'] }],
  ]));

describe('reading: traps', () =>
  readsAs([
    // "por la mañana" is the morning; only the first "mañana" here is tomorrow.
    ['Quiero reservar el sábado por la mañana a las 11, somos 5', reading(5, '2026-11-28', '11:00')],
    ['esta mañana llamé, mesa para 2', reading(2, undefined, undefined)],
    // "Guten Morgen" is a greeting, not tomorrow.
    ['Guten Morgen, Tisch für 2 am Freitag um 19 Uhr', reading(2, '2026-11-27', '19:00')],
    // A bare number is no time; "for 8" is a party, "at 8" a time.
    ['Mesa para 20', reading(20, undefined, undefined)],
    ['for 8 at 8', reading(8, undefined, '20:00')],
    ['at 8 for 8', reading(8, undefined, '20:00')],
    // German "am" is "on the", not a.m.
    ['Tisch für 4 am Sonntag', reading(4, '2026-11-29', undefined)],
    ['um 12.10 am Samstag', reading(undefined, '2026-11-28', '12:10')],
    // "12.10." is a date after "am", a time after "um"; 12 October 2026 has passed on the 23rd of November.
    ['am 12.10. um 20 Uhr', reading(undefined, '2027-10-12', '20:00')],
    // "après-midi" holds "midi" but is the afternoon; "zu Mittag essen" is having lunch.
    ['samedi après-midi, pour 4', reading(4, '2026-11-28', undefined)],
    ['Wir möchten am Sonntag zu Mittag essen, zu dritt', reading(3, '2026-11-29', undefined)],
    // Lengths of time and money are no party size or clock.
    ['Tisch für 2 Stunden am Freitag', reading(undefined, '2026-11-27', undefined)],
    ["we'll arrive in about 20 minutes, table for 2 tonight at 9", reading(2, MONDAY, '21:00')],
    ['dans une heure, pour 2', reading(2, undefined, undefined)],
    ['Mesa para 4 el viernes a las 21h, por 2 horas', reading(4, '2026-11-27', '21:00')],
    ['samedi à 20h pour 4, pendant deux heures', reading(4, '2026-11-28', '20:00')],
    ['para 50 euros, el viernes', reading(undefined, '2026-11-27', undefined)],
    ['around 8 people on Friday at 7pm', reading(8, '2026-11-27', '19:00')],
    // "a couple of us" is a few; "may" can be a verb; "una persona es celíaca", "two of us can't" are no count.
    ['a couple of us on Friday', reading(undefined, '2026-11-27', undefined)],
    ['for 2 may we sit outside? Friday 8pm', reading(2, '2026-11-27', '20:00')],
    ['una persona es celíaca, somos 4, viernes 21h', reading(4, '2026-11-27', '21:00')],
    ["two of us can't eat gluten, we are 5, Friday 8pm", reading(5, '2026-11-27', '20:00')],
    ['the two of us are coming Friday at 8', reading(2, '2026-11-27', '20:00')],
    // Italian "le 21" after "verso" is a time, not French "the 21st"; "sábado, 2" is no 2nd of the month.
    ['verso le 21, sabato, 2 persone', reading(2, '2026-11-28', '21:00')],
    ['a las 12 de la noche, sábado, 2', reading(undefined, '2026-11-28', '00:00')],
  ]));

describe('reading: readings that disagree are left missing, for a person to settle', () =>
  readsAs([
    ['Friday or Saturday at 8pm for 2', reading(2, undefined, '20:00')],
    ['7pm or 8pm on Friday for 2', reading(2, '2026-11-27', undefined)],
    ['table for 4-6 people on Friday at 8', reading(undefined, '2026-11-27', '20:00')],
    ['4 o 5 personas el viernes', reading(undefined, '2026-11-27', undefined)],
    ['table for 2, 4 people', reading(undefined, undefined, undefined)],
    ['Friday 12 December', reading(undefined, undefined, undefined)], // 12 December 2026 is a Saturday
    ['Saturday 12 December', reading(undefined, '2026-12-12', undefined)],
    ['tonight, Monday', reading(undefined, MONDAY, undefined)], // today is a Monday: they agree
    ['hoy sábado', reading(undefined, undefined, undefined)],
    ['el viernes 8', reading(undefined, undefined, undefined)], // 8 December is a Tuesday
  ]));

describe('reading: never throws', () => {
  const nothing: RequestReading = { missing: ['party size', 'date', 'time'] };
  for (const text of ['', '   ', '🙂🙂🙂', '\u0000\u0007\t\n', '9'.repeat(5000), 'à '.repeat(3000), '#'.repeat(1000)]) {
    it(`reads nothing from ${JSON.stringify(text.slice(0, 12))}${text.length > 12 ? '…' : ''}`, () =>
      assert.deepEqual(readRequest(text, MONDAY), nothing));
  }
  it('reads a long request once its parts agree', () => {
    const text = 'Hola, quería reservar una mesa para 4 personas el sábado a las 21h. '.repeat(500);
    assert.deepEqual(readRequest(text, MONDAY), reading(4, '2026-11-28', '21:00'));
  });
  it('reads what needs no calendar when receivedOn is not a date', () => {
    assert.deepEqual(readRequest('Friday at 8 for 2', 'not a date'), reading(2, undefined, '20:00'));
    assert.deepEqual(readRequest('2026-12-24 at 8 for 2', ''), reading(2, '2026-12-24', '20:00'));
    assert.deepEqual(readRequest('12 December 2027, for 2', '2026-02-30'), reading(2, '2027-12-12', undefined));
  });
  it('reads nothing from a value that is not a string (a caller outside TypeScript)', () => {
    assert.deepEqual(readRequest(undefined as unknown as string, MONDAY), nothing);
  });
});
