// The codec endpoint of the Temporal web UI (its --ui-codec-endpoint / `codec.endpoint`): the UI
// posts the encrypted payloads it shows to <endpoint>/decode and displays what comes back.
// Only a signed-in operator gets plaintext: the browser sends the console's session cookie
// along (the UI's "include cross-origin credentials"), CORS admits the Temporal UI's origin
// alone, and every answer is no-store. There is no /encode: nothing outside a worker writes
// encrypted payloads.
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import type { PayloadCodec } from '@temporalio/common';
import { runCodec } from '@baton/temporal-codec';
import { OPERATOR_ROLE } from './roles.js';

export const CODEC_PREFIX = '/codec';

export async function registerCodecEndpoint(
  app: FastifyInstance,
  codec: PayloadCodec,
  uiOrigin: string,
): Promise<void> {
  await app.register(
    async (scope) => {
      await scope.register(cors, {
        origin: [new URL(uiOrigin).origin],
        credentials: true,
        methods: ['POST'],
        allowedHeaders: ['content-type', 'x-namespace'],
        maxAge: 600,
      });
      scope.post('/decode', { bodyLimit: 8 * 1024 * 1024 }, async (req, reply) => {
        reply.header('cache-control', 'no-store');
        const who = req.session.user;
        if (!who) return reply.code(401).send({ error: 'UNAUTHENTICATED', reason: 'sign in to the console first' });
        if (!who.roles.includes(OPERATOR_ROLE))
          return reply
            .code(403)
            .send({ error: 'FORBIDDEN', reason: `decoding payloads needs the ${OPERATOR_ROLE} role` });
        try {
          return await runCodec(codec, 'decode', req.body);
        } catch (err) {
          if (err instanceof ZodError)
            return reply
              .code(400)
              .send({ error: 'BAD_REQUEST', reason: 'expected {"payloads":[{"metadata":{…},"data":"…"}]}' });
          throw err;
        }
      });
    },
    { prefix: CODEC_PREFIX },
  );
}
