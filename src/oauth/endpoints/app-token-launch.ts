import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AuditLog } from '../../audit/audit-log.js';
import type { ClientAuthenticator } from '../client-auth/authenticate-client.js';
import { claimedClientId } from '../claimed-client.js';
import { FormParams } from '../form-params.js';
import { isRecord } from '../../shared/is-record.js';
import type { AppTokenLaunches, OpenedLaunch } from '../app-token-launches.js';
import { OAuthError } from '../oauth-error.js';
import { noStore, refuseOtherMethods } from './oauth-replies.js';
import { APP_TOKEN_LAUNCH_PATH, LAUNCH_PATH } from './paths.js';
import type { TokenRateLimits } from './token-rate-limits.js';
import type { AuditAction } from '../../audit/audit-actions.js';

/** What the launch-link endpoints use. */
export interface AppTokenLaunchEndpointServices {
  authenticator: Pick<ClientAuthenticator, 'authenticate'>;
  launches: Pick<AppTokenLaunches, 'create' | 'open' | 'isPassThrough'>;
  limits: Pick<TokenRateLimits, 'limitAddress' | 'countClient'>;
  /** Every link made and every open (`app_token.launch`, `app_token.launch_open`), with the token's jti and subject, never the token. */
  audit: Pick<AuditLog, 'record'>;
  /** Sets the token as the configured cookie, exactly as the application token endpoint's `set_cookie=true` does. */
  setTokenCookie: (reply: FastifyReply, token: string, maxAgeSeconds: number) => void;
}

const LAUNCH_ACTION = 'app_token.launch' satisfies AuditAction;
const OPEN_ACTION = 'app_token.launch_open' satisfies AuditAction;

/** Why a link does not open, as the browser's page says it (and the audit log records it). */
const REFUSALS: Record<Exclude<OpenedLaunch, { opened: true }>['state'], { status: 400 | 410; text: string }> = {
  malformed: { status: 400, text: 'This launch link is not valid.' },
  unknown: { status: 400, text: 'This launch link is not valid.' },
  used: { status: 410, text: 'This launch link has already been used. Ask the application for a new one.' },
  expired: { status: 410, text: 'This launch link has expired. Ask the application for a new one.' },
  'token-invalid': { status: 410, text: 'The sign-in this launch link carried is no longer valid. Ask the application for a new one.' },
  'target-not-allowed': { status: 410, text: 'This launch link leads to a site the application may no longer use.' },
};

/** A small page of fixed text (nothing of the request is echoed). */
function refusalPage(text: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Launch link</title></head><body><main><h1>Launch link</h1><p>${text}</p></main></body></html>`;
}

/** Headers of every answer to a browser opening a link: never cached, never a Referer (the link is a bearer secret). */
function browserHeaders(reply: FastifyReply): FastifyReply {
  return noStore(reply).header('Referrer-Policy', 'no-referrer');
}

/**
 * The embedding hand-off (issue 20). `POST ${APP_TOKEN_LAUNCH_PATH}`: a server authenticates with its secret as at
 * the application token endpoint (browsers refused: an Origin header answers 403) and sends `access_token` (issued
 * to it, valid), `target` (an URL of one of its allowed origins) and pass-through parameters; it gets
 * `{ launch_url, expires_in }`. `GET ${LAUNCH_PATH}/:id` in a browser, once: sets the token cookie and 303-redirects
 * to the target with the pass-through parameters; any other time a small page with 400 or 410, never a redirect.
 */
export function registerAppTokenLaunchEndpoints(app: FastifyInstance, services: AppTokenLaunchEndpointServices): void {
  const { authenticator, launches, limits, audit } = services;
  refuseOtherMethods(app, APP_TOKEN_LAUNCH_PATH);
  // Its own OPTIONS route, so that the CORS preflight handling of /api/... never answers for this endpoint.
  app.options(APP_TOKEN_LAUNCH_PATH, async () => {
    throw new OAuthError(405, 'invalid_request', `${APP_TOKEN_LAUNCH_PATH} accepts POST only, from servers; it never answers CORS`, { Allow: 'POST' });
  });
  app.post(APP_TOKEN_LAUNCH_PATH, { onRequest: limits.limitAddress }, async (request, reply) => {
    noStore(reply);
    try {
      if (request.headers.origin !== undefined) throw new OAuthError(403, 'invalid_request', 'launch links are asked for by servers only');
      const body = isRecord(request.body) ? request.body : {};
      // Pass-through parameters may repeat (they reach the target as sent); the others are OAuth parameters, each once.
      const params = FormParams.fromRequest(request.headers['content-type'], Object.fromEntries(Object.entries(body).filter(([name]) => !launches.isPassThrough(name))));
      if (params.get('client_assertion') !== undefined) throw new OAuthError(400, 'invalid_request', 'authenticate with the application secret');
      const { client } = await authenticator.authenticate(request.headers, params);
      limits.countClient(client.clientId);
      const created = await launches.create({
        client,
        accessToken: params.require('access_token'),
        target: params.require('target'),
        params: body,
      });
      await audit.record({
        actor: 'client',
        action: LAUNCH_ACTION,
        target: client.clientId,
        outcome: 'success',
        status: 200,
        clientId: client.clientId,
        sourceAddress: request.ip,
        subject: created.subject,
        jti: created.jti,
      });
      request.log.info({ clientId: client.clientId, sub: created.subject }, 'launch link issued');
      return { launch_url: created.launchUrl, expires_in: created.expiresIn };
    } catch (error) {
      if (error instanceof OAuthError) {
        const clientId = claimedClientId(request) || null;
        await audit.record({
          actor: 'client',
          action: LAUNCH_ACTION,
          target: clientId,
          outcome: 'failure',
          status: error.status,
          reason: `${error.error}: ${error.description}`,
          clientId,
          sourceAddress: request.ip,
        });
      }
      throw error;
    }
  });

  app.get<{ Params: { id: string } }>(`${LAUNCH_PATH}/:id`, async (request, reply) => {
    browserHeaders(reply);
    const opened = await launches.open(request.params.id);
    if (!opened.opened) {
      const refusal = REFUSALS[opened.state];
      await audit.record({
        actor: 'anonymous',
        action: OPEN_ACTION,
        target: opened.clientId ?? null,
        outcome: 'failure',
        status: refusal.status,
        reason: opened.state,
        clientId: opened.clientId ?? null,
        sourceAddress: request.ip,
      });
      return reply.status(refusal.status).header('Content-Security-Policy', "default-src 'none'").type('text/html; charset=utf-8').send(refusalPage(refusal.text));
    }
    services.setTokenCookie(reply, opened.token, opened.maxAgeSeconds);
    await audit.record({
      actor: 'anonymous',
      action: OPEN_ACTION,
      target: opened.clientId,
      outcome: 'success',
      status: 303,
      clientId: opened.clientId,
      sourceAddress: request.ip,
      subject: opened.subject,
      jti: opened.jti,
      expiresAt: opened.tokenExpiresAt,
    });
    return reply.redirect(opened.location, 303);
  });
}
