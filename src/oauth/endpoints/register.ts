import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { parseClientChanges } from '../../clients/client-metadata.js';
import type { ClientRegistry } from '../../clients/client-registry.js';
import type { GatehouseConfig } from '../../config/config.js';
import { noStore } from './oauth-replies.js';
import type { InitialAccessTokens } from '../../security/initial-access-tokens.js';
import type { ProfileRegistry } from '../../security/profile-registry.js';
import { OAuthError } from '../oauth-error.js';
import { REGISTRATION_PATH } from './paths.js';
import { tooManyRequests } from './token-rate-limits.js';
import { addressKey } from '../../limits/address-key.js';
import { rateLimitStoreOptions, type SharedRateLimitStore } from '../../limits/rate-limit-store.js';
import { isRecord } from '../../shared/is-record.js';

/** What the registration endpoint uses. */
export interface RegistrationEndpointServices {
  config: Pick<GatehouseConfig, 'registrationRateLimitPerAddress' | 'registrationsPerInitialAccessToken'>;
  initialAccessTokens: Pick<InitialAccessTokens, 'verify' | 'withRegistrationSlot'>;
  profiles: Pick<ProfileRegistry, 'get'>;
  clients: Pick<ClientRegistry, 'registerInstance'>;
  /** Redis shared by every instance for the per-address limit (REDIS_URL); undefined: counted in memory. */
  rateLimitStore: SharedRateLimitStore | undefined;
}

const BEARER_ERROR = { 'WWW-Authenticate': 'Bearer realm="services", error="invalid_token"' };

const invalidMetadata = (description: string) => new OAuthError(400, 'invalid_client_metadata', description);

/**
 * RFC 7591 dynamic registration of app instances: `Authorization: Bearer <initial access token>` names the
 * profile; the body's `jwks` is the instance's public key(s). The new client authenticates with private_key_jwt,
 * gets no secret and no allowed scopes of its own: its scope elements go through its profile's mapping and checks.
 */
export async function registerRegistrationEndpoint(app: FastifyInstance, services: RegistrationEndpointServices): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(rateLimit, {
      global: false,
      ...rateLimitStoreOptions(services.rateLimitStore, 'register'),
    });
    scope.route({
      method: ['GET', 'PUT', 'DELETE', 'PATCH'],
      url: REGISTRATION_PATH,
      handler: async () => {
        throw new OAuthError(405, 'invalid_request', `${REGISTRATION_PATH} accepts POST only`, { Allow: 'POST' });
      },
    });
    scope.post(
      REGISTRATION_PATH,
      {
        bodyLimit: 64 * 1024,
        config: {
          rateLimit: {
            max: () => services.config.registrationRateLimitPerAddress,
            // 0 turns the limit off: nothing is counted.
            allowList: () => services.config.registrationRateLimitPerAddress === 0,
            timeWindow: 60_000,
            keyGenerator: (request) => `register:${addressKey(request.ip)}`,
            errorResponseBuilder: (_request, context) => tooManyRequests('registrations', context.ttl),
          },
        },
      },
      async (request, reply) => {
        noStore(reply);
        const match = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '');
        if (!match?.[1]) throw new OAuthError(401, 'invalid_token', 'registration needs Authorization: Bearer <initial access token>', { 'WWW-Authenticate': 'Bearer realm="services"' });
        const token = await services.initialAccessTokens.verify(match[1]);
        if (!token) throw new OAuthError(401, 'invalid_token', 'the initial access token is not valid, expired or revoked', BEARER_ERROR);
        const profile = await services.profiles.get(token.profile).catch(() => undefined);
        if (!profile?.registrationEnabled) throw new OAuthError(401, 'invalid_token', 'registration is turned off for the profile of this initial access token', BEARER_ERROR);

        const mediaType = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
        if (mediaType !== 'application/json') throw new OAuthError(400, 'invalid_request', 'the request body must be application/json (RFC 7591 §3.1)');
        const body: unknown = request.body;
        if (!isRecord(body)) throw new OAuthError(400, 'invalid_request', 'the request body must be a JSON object of client metadata');
        if (body.software_statement !== undefined) throw new OAuthError(400, 'invalid_software_statement', 'software statements are not supported');
        if (body.jwks_uri !== undefined) throw invalidMetadata('jwks_uri is not supported; send the public keys in jwks');
        if (body.jwks === undefined) throw invalidMetadata('jwks is required: the public key(s) the instance signs its client assertions with');
        if (body.token_endpoint_auth_method !== undefined && body.token_endpoint_auth_method !== 'private_key_jwt') {
          throw invalidMetadata('token_endpoint_auth_method must be private_key_jwt');
        }
        if (body.grant_types !== undefined && (!Array.isArray(body.grant_types) || body.grant_types.some((grant) => grant !== 'client_credentials'))) {
          throw invalidMetadata('grant_types may only be [client_credentials]');
        }
        // Other metadata is ignored (RFC 7591 §2); what the instance may get is decided by its profile.
        const changes = parseClientChanges(
          {
            client_name: body.client_name ?? `app instance (${profile.name})`,
            jwks: body.jwks,
            token_endpoint_auth_method: 'private_key_jwt',
            grant_types: ['client_credentials'],
            profile: profile.name,
          },
          'create',
        );
        if (!changes.jwks || changes.jwks.keys.length === 0) throw invalidMetadata('jwks must hold at least one public key');
        const maxRegistrations = services.config.registrationsPerInitialAccessToken;
        const client = await services.initialAccessTokens.withRegistrationSlot(token, maxRegistrations, () => services.clients.registerInstance(changes));
        if (!client) throw new OAuthError(401, 'invalid_token', `the initial access token has registered its maximum of ${maxRegistrations} app instances`, BEARER_ERROR);
        request.log.info({ clientId: client.clientId, clientName: client.clientName, profile: profile.name, initialAccessToken: token.id }, 'app instance registered');
        return reply.status(201).send({
          client_id: client.clientId,
          client_id_issued_at: Math.floor(client.createdAt / 1000),
          client_name: client.clientName,
          grant_types: client.grantTypes,
          token_endpoint_auth_method: client.tokenEndpointAuthMethod,
          jwks: client.jwks,
          scope: client.scopes.join(' '),
        });
      },
    );
  });
}
