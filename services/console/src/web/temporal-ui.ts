// The Temporal web UI's sign-in is the console's: baton-temporal (infra/temporal/server/ui.go)
// asks GET /auth/temporal-ui, with the browser's console session cookie, before it serves any
// page or API call of the UI. The browser sends that cookie to the UI's port because cookies are
// scoped by host, not by port (the session cookie has no Domain attribute: host-only, and
// SameSite=Strict counts 127.0.0.1:8333 and 127.0.0.1:8344 as the same site). Answers: 204 for a
// signed-in operator, 401 without a session, 403 for a person without the operator role. Nothing
// is written: an anonymous check stores no session.
import type { FastifyInstance } from 'fastify';
import { OPERATOR_ROLE } from './roles.js';

export const TEMPORAL_UI_CHECK = '/auth/temporal-ui';

export function registerTemporalUiCheck(app: FastifyInstance): void {
  app.get(TEMPORAL_UI_CHECK, async (req, reply) => {
    reply.header('cache-control', 'no-store');
    const who = req.session.user;
    if (!who) return reply.code(401).send({ error: 'UNAUTHENTICATED', reason: 'sign in to the console first' });
    if (!who.roles.includes(OPERATOR_ROLE))
      return reply.code(403).send({
        error: 'FORBIDDEN',
        reason: `${who.username} does not have the ${OPERATOR_ROLE} role the Temporal UI needs`,
      });
    return reply.code(204).send();
  });
}
