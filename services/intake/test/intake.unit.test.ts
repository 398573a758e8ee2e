import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reservationAgents } from '@baton/workflow-reservation/contracts';
import { extractByRules, parseAllergies, parseDate, parsePartySize, parseTime } from '../src/intake.js';

describe('intake rules', () => {
  const text = 'Table for 4, Friday 7pm, customer is a regular, allergic to shellfish';

  it('reads the worked example: party of 4, the coming Friday, 19:00, shellfish', () => {
    assert.equal(parsePartySize(text), 4);
    // 2026-11-23 is a Monday: "Friday" is the 27th.
    assert.equal(parseDate(text, '2026-11-23'), '2026-11-27');
    assert.equal(parseTime(text), '19:00');
    assert.deepEqual(parseAllergies(text), ['shellfish']);
  });

  it('reads party sizes in words and as "N people"', () => {
    assert.equal(parsePartySize('a table for six please'), 6);
    assert.equal(parsePartySize('we are 3 people'), 3);
    assert.equal(parsePartySize('dinner on Friday'), undefined);
  });

  it('takes a weekday named on that same weekday to mean next week', () => {
    assert.equal(parseDate('Monday at 8pm', '2026-11-23'), '2026-11-30');
    assert.equal(parseDate('tomorrow 8pm', '2026-11-23'), '2026-11-24');
    assert.equal(parseDate('on 2026-12-24', '2026-11-23'), '2026-12-24');
  });

  it('reads 12-hour and 24-hour times', () => {
    assert.equal(parseTime('at 12:30pm'), '12:30');
    assert.equal(parseTime('at 12am'), '00:00');
    assert.equal(parseTime('at 18:45'), '18:45');
  });

  it('splits several allergies', () => {
    assert.deepEqual(parseAllergies('allergic to peanuts and sesame'), ['peanuts', 'sesame']);
    assert.deepEqual(parseAllergies('no allergies mentioned here'), []);
    assert.deepEqual(parseAllergies('Severe nut allergy.'), ['nut']);
    assert.deepEqual(parseAllergies('allergies: dairy, eggs'), ['dairy', 'eggs']);
  });

  it('reads a party larger than any restaurant seats, and its contract lets it through (the workflow refuses it with the reason)', () => {
    assert.equal(parsePartySize('A party of 200 people, Friday 7pm'), 200);
    assert.equal(parsePartySize('Table for 200, Friday 7pm'), 200);
    assert.equal(parsePartySize('mesa para 150 personas el viernes a las 21h'), 150);
    const read = extractByRules('Table for 200, Friday 7pm', '2026-11-23');
    assert.deepEqual(read, { partySize: 200, date: '2026-11-27', time: '19:00', allergies: [] });
    const output = {
      ...read,
      customer: { id: 'c-1', name: 'Ada', regular: false },
      notes: 'Table for 200, Friday 7pm',
    };
    assert.ok(reservationAgents.intake.output.safeParse(output).success, 'the intake contract accepts 200');
    assert.ok(
      !reservationAgents.availability.input.safeParse({ request: output }).success,
      'no table agent ever sees it',
    );
  });
});
