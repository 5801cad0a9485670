import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../../audit/audit-log.js';
import { registerIntrospectionEndpoint, type IntrospectionEndpointServices } from './introspect.js';
import { registerJwksEndpoint, type JwksEndpointServices } from './jwks.js';
import { registerMetadataEndpoint, type MetadataEndpointServices } from './metadata.js';
import { registerRevocationEndpoint, type RevocationEndpointServices } from './revoke.js';
import { registerTokenEndpoint, type TokenEndpointServices } from './token.js';
import { registerAppTokenEndpoint, type AppTokenEndpointServices } from './app-token.js';
import { registerRegistrationEndpoint, type RegistrationEndpointServices } from './register.js';
import { registerParEndpoint, type ParEndpointServices } from './par.js';
import { registerUserinfoEndpoint, type UserinfoEndpointServices } from './userinfo.js';
import { auditClientAuthFailures, auditTokenRefusals } from './token-refusals.js';
import { APP_TOKEN_PATH, INTROSPECTION_PATH, OAUTH_BODY_LIMIT, PAR_PATH, REVOCATION_PATH, TOKEN_PATH } from './paths.js';
import { allowAnyOrigin } from '../../http/any-origin-cors.js';

/** What each endpoint of the authorization server uses, built by the server (server/oauth-services.ts). */
export interface OAuthEndpointServices {
  metadata: MetadataEndpointServices;
  jwks: JwksEndpointServices;
  registration: RegistrationEndpointServices;
  token: TokenEndpointServices;
  introspection: IntrospectionEndpointServices;
  revocation: RevocationEndpointServices;
  appToken: AppTokenEndpointServices;
  par: ParEndpointServices;
  userinfo: UserinfoEndpointServices;
  /** Refused token requests and failed client authentication are recorded here. */
  audit: AuditLog;
  /** Scopes Gatehouse's own resources declare (discovery lists them); read per request, as stored commands change. */
  resourceScopes: () => readonly string[];
}

/** The authorization server's HTTP endpoints. */
export async function oauthEndpoints(app: FastifyInstance, services: OAuthEndpointServices): Promise<void> {
  registerMetadataEndpoint(app, services.metadata, services.resourceScopes);
  registerJwksEndpoint(app, services.jwks);

  await registerRegistrationEndpoint(app, services.registration);
  // POST endpoints take only form bodies; any other content type reaches the handler, which answers invalid_request.
  await app.register(async (forms) => {
    forms.removeAllContentTypeParsers();
    await forms.register(formbody, { bodyLimit: OAUTH_BODY_LIMIT });
    forms.addContentTypeParser('*', { parseAs: 'string', bodyLimit: OAUTH_BODY_LIMIT }, (_request, _body, done) => done(null, undefined));
    // Browser apps (public clients) call these directly: any origin, never with credentials.
    allowAnyOrigin(forms, [TOKEN_PATH, REVOCATION_PATH, PAR_PATH], ['POST']);
    forms.addHook('onSend', auditTokenRefusals(services.audit, [TOKEN_PATH, APP_TOKEN_PATH]));
    forms.addHook('onSend', auditClientAuthFailures(services.audit, { [INTROSPECTION_PATH]: 'introspection.refused', [REVOCATION_PATH]: 'revocation.refused' }));
    // Issued tokens are recorded by the token tail (oauth/token-tail.ts), from the token it signed.
    registerTokenEndpoint(forms, services.token);
    registerIntrospectionEndpoint(forms, services.introspection);
    registerRevocationEndpoint(forms, services.revocation);
    registerAppTokenEndpoint(forms, services.appToken);
    registerParEndpoint(forms, services.par);
    registerUserinfoEndpoint(forms, services.userinfo);
  });
}
