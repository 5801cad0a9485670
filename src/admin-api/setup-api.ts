import type { FastifyInstance } from 'fastify';
import type { AdminSessions } from '../admin-accounts/admin-sessions.js';
import type { AdminSetup } from '../admin-accounts/admin-setup.js';
import type { GatehouseConfig } from '../config/config.js';
import { FieldValidationError } from '../shared/errors.js';
import { rememberAdminActor } from './admin-auth.js';
import { answerNewSession } from './session-api.js';
import type { SetupStatusJson } from './wire.js';

/**
 * `/admin/api/setup`, answered without authentication: whether the console still has no administrator (GET),
 * and the first administrator's account made with the one-time setup link's secret (POST; signs them in).
 * The secret travels in the body only, never in a URL, so it never reaches a request log.
 */
export function registerSetupApi(app: FastifyInstance, gatehouse: { config: Pick<GatehouseConfig, 'issuer'>; adminSetup: AdminSetup; adminSessions: AdminSessions }): void {
  app.get('/setup', async (): Promise<SetupStatusJson> => ({ needed: await gatehouse.adminSetup.needed() }));

  app.post('/setup', async (request, reply) => {
    const body = request.body as Record<string, unknown> | undefined;
    const secret = body?.setup_token;
    if (typeof secret !== 'string' || secret === '' || secret.length > 256) throw new FieldValidationError('setup_token', 'send the part of the setup link after #');
    const admin = await gatehouse.adminSetup.redeem(secret, body?.username, body?.password);
    rememberAdminActor(request, { actor: admin.username, via: 'session' });
    request.log.info({ admin: admin.username }, 'first administrator created with the setup link');
    return answerNewSession(reply, gatehouse, admin);
  });
}
