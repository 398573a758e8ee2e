// Safety: decides whether a person must see the request before anything irreversible happens.
// These rules are code on the route: no model output and no text in the request can skip them.
import { defineAgent } from '@baton/agent';
import {
  reservationAgents,
  type ReservationRequest,
  type SafetyAssessment,
} from '@baton/workflow-reservation/contracts';
import { LEXICON } from './lexicon.js';
import { findDietaryConcerns } from './dietary.js';

/** Parties this large need the manager: the kitchen and the floor plan both change. */
export const LARGE_PARTY = 9;

/** What the raw text mentions, in words for the person: the allergen groups and medical needs. */
function mentionedConcerns(text: string): string[] {
  const seen = new Set<string>();
  for (const f of findDietaryConcerns(text))
    seen.add(
      f.group === 'medical'
        ? `a medical dietary need ("${f.match}")`
        : `${LEXICON.allergens[f.group].label} ("${f.match}")`,
    );
  return [...seen];
}

/** Conservative by construction: any mention of a food allergen or a medical dietary need in the
 *  guest's own words reaches a person, whatever intake or a model made of it (a model may add an
 *  allergy, never remove one). */
export function assess(request: ReservationRequest, originalText: string): SafetyAssessment {
  const reasons: SafetyAssessment['reasons'] = [];
  const mentioned = mentionedConcerns(originalText);
  if (request.allergies.length > 0)
    reasons.push({
      code: 'ALLERGY',
      detail: `allergy declared: ${request.allergies.join(', ')}${mentioned.length ? `; the request mentions ${mentioned.join(', ')}` : ''}`,
    });
  else if (mentioned.length > 0)
    reasons.push({
      code: 'HEALTH_MENTION',
      detail: `the request mentions ${mentioned.join(', ')}, which intake did not structure`,
    });
  if (request.partySize >= LARGE_PARTY) reasons.push({ code: 'LARGE_PARTY', detail: `party of ${request.partySize}` });
  return { needsReview: reasons.length > 0, reasons };
}

export const safety = defineAgent(reservationAgents.safety, {
  async handle({ request, originalText }, ctx) {
    const assessment = assess(request, originalText);
    // Whether review is needed, never why: the reasons are health information.
    ctx.span.setAttribute('baton.safety.needs_review', assessment.needsReview);
    return assessment;
  },
});
