import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { parseClientChanges } from '../../clients/client-metadata.js';
import type { Gatehouse } from '../../gatehouse.js';
import { OAuthError } from '../oauth-error.js';
import { noStore } from './oauth-endpoints.js';
import { tooManyRequests } from './token-rate-limits.js';
import { addressKey } from '../../limits/address-key.js';
import { rateLimitStoreOptions, type SharedRateLimitStore } from '../../limits/rate-limit-store.js';

export const REGISTRATION_PATH = '/oauth/register';

const BEARER_ERROR = { 'WWW-Authenticate': 'Bearer realm="gatehouse", error="invalid_token"' };

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const invalidMetadata = (description: string) => new OAuthError(400, 'invalid_client_metadata', description);

/**
 * RFC 7591 dynamic registration of app instances: `Authorization: Bearer <initial access token>` names the
 * profile; the body's `jwks` is the instance's public key(s). The new client authenticates with private_key_jwt,
 * gets no secret and no allowed scopes of its own: its scope elements go through its profile's mapping and checks.
 */
export async function registerRegistrationEndpoint(app: FastifyInstance, gatehouse: Gatehouse, shared?: SharedRateLimitStore): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(rateLimit, {
      global: false,
      ...rateLimitStoreOptions(shared, 'register'),
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
            max: () => gatehouse.config.registrationRateLimitPerAddress,
            // 0 turns the limit off: nothing is counted.
            allowList: () => gatehouse.config.registrationRateLimitPerAddress === 0,
            timeWindow: 60_000,
            keyGenerator: (request) => `register:${addressKey(request.ip)}`,
            errorResponseBuilder: (_request, context) => tooManyRequests('registrations', context.ttl),
          },
        },
      },
      async (request, reply) => {
        noStore(reply);
        const match = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '');
        if (!match?.[1]) throw new OAuthError(401, 'invalid_token', 'registration needs Authorization: Bearer <initial access token>', { 'WWW-Authenticate': 'Bearer realm="gatehouse"' });
        const token = await gatehouse.initialAccessTokens.verify(match[1]);
        if (!token) throw new OAuthError(401, 'invalid_token', 'the initial access token is not valid, expired or revoked', BEARER_ERROR);
        const profile = await gatehouse.profiles.get(token.profile).catch(() => undefined);
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
        const maxRegistrations = gatehouse.config.registrationsPerInitialAccessToken;
        const client = await gatehouse.initialAccessTokens.withRegistrationSlot(token, maxRegistrations, () => gatehouse.clients.registerInstance(changes));
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
