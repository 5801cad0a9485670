import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Gatehouse } from '../../gatehouse.js';
import type { OAuthServices } from '../../server/oauth-services.js';
import { OAuthError } from '../oauth-error.js';
import { INTROSPECTION_PATH, registerIntrospectionEndpoint } from './introspect.js';
import { registerJwksEndpoint } from './jwks.js';
import { registerMetadataEndpoint } from './metadata.js';
import { registerRevocationEndpoint, REVOCATION_PATH } from './revoke.js';
import { registerTokenEndpoint, TOKEN_PATH } from './token.js';
import { APP_TOKEN_PATH, registerAppTokenEndpoint } from './app-token.js';
import { registerRegistrationEndpoint } from './register.js';
import { auditClientAuthFailures, auditTokenRefusals } from '../../audit/token-refusals.js';
import { auditIssuedTokens } from '../../audit/issued-tokens.js';
import { formField } from '../claimed-client.js';

/** Form bodies of OAuth requests are small; anything larger is refused early. */
export const OAUTH_BODY_LIMIT = 64 * 1024;

/** Answers every method but POST on a POST-only endpoint with 405 and the RFC 6749 error body. */
export function refuseOtherMethods(app: FastifyInstance, url: string): void {
  app.route({
    method: ['GET', 'PUT', 'DELETE', 'PATCH'],
    url,
    handler: async () => {
      throw new OAuthError(405, 'invalid_request', `${url} accepts POST only`, { Allow: 'POST' });
    },
  });
}

export function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
}

/** The authorization server's HTTP endpoints. */
export async function oauthEndpoints(
  app: FastifyInstance,
  options: { gatehouse: Gatehouse; services: OAuthServices; /** Scopes Gatehouse's own resources declare (discovery lists them). */ resourceScopes?: readonly string[] },
): Promise<void> {
  const { services } = options;
  registerMetadataEndpoint(app, options.gatehouse, options.resourceScopes ?? []);
  registerJwksEndpoint(app, options.gatehouse);

  await registerRegistrationEndpoint(app, options.gatehouse, services.rateLimitStore);
  // POST endpoints take only form bodies; any other content type reaches the handler, which answers invalid_request.
  await app.register(async (forms) => {
    forms.removeAllContentTypeParsers();
    await forms.register(formbody, { bodyLimit: OAUTH_BODY_LIMIT });
    forms.addContentTypeParser('*', { parseAs: 'string', bodyLimit: OAUTH_BODY_LIMIT }, (_request, _body, done) => done(null, undefined));
    forms.addHook('onSend', auditTokenRefusals(options.gatehouse.audit, [TOKEN_PATH, APP_TOKEN_PATH]));
    forms.addHook('onSend', auditClientAuthFailures(options.gatehouse.audit, { [INTROSPECTION_PATH]: 'introspection.refused', [REVOCATION_PATH]: 'revocation.refused' }));
    forms.addHook(
      'preSerialization',
      auditIssuedTokens(options.gatehouse.audit, {
        [TOKEN_PATH]: (request) => formField(request, 'grant_type'),
        [APP_TOKEN_PATH]: () => 'application_token',
      }),
    );
    await registerTokenEndpoint(forms, services);
    registerIntrospectionEndpoint(forms, services, options.gatehouse);
    registerRevocationEndpoint(forms, services, options.gatehouse);
    registerAppTokenEndpoint(forms, services, options.gatehouse);
  });
}
