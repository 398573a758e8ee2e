// Safety: decides whether a person must see the request before anything irreversible happens.
// These rules are code on the route: no model output and no text in the request can skip them.
import { defineAgent } from '@baton/agent';
import { reservationAgents, type ReservationRequest, type SafetyAssessment } from '@baton/workflow-reservation/contracts';

/** Parties this large need the manager: the kitchen and the floor plan both change. */
export const LARGE_PARTY = 9;
/** Health words in the raw text: a second look, in case intake missed an allergy. */
const HEALTH_WORDS = /\b(allerg\w*|anaphyla\w*|epi-?pen|coeliac|celiac|intoleran\w*|nut[- ]free|gluten[- ]free)\b/i;

export function assess(request: ReservationRequest, originalText: string): SafetyAssessment {
  const reasons: SafetyAssessment['reasons'] = [];
  if (request.allergies.length > 0) reasons.push({ code: 'ALLERGY', detail: `allergy declared: ${request.allergies.join(', ')}` });
  else if (HEALTH_WORDS.test(originalText)) reasons.push({ code: 'HEALTH_MENTION', detail: 'the request mentions a health condition intake did not structure' });
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
