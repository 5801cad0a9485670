import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { ClientRegistry } from '../../clients/client-registry.js';
import type { Client } from '../../clients/client.js';
import type { GatehouseConfig } from '../../config/config.js';
import { noStore } from './oauth-replies.js';
import type { InitialAccessTokens } from '../../security/initial-access-tokens.js';
import type { ProfileRegistry } from '../../security/profile-registry.js';
import type { SecurityProfile } from '../../security/security-profile.js';
import type { InitialAccessToken } from '../../security/security-store.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { TooManyAttempts, type AttemptLimiter, type AttemptRule } from '../../users/attempt-limiter.js';
import { OAuthError } from '../oauth-error.js';
import { attestationOf, planRegistration, registrationRefusal, registrationResponse } from '../registration-request.js';
import { FieldValidationError } from '../../shared/errors.js';
import type { CheckRegistry } from '../../security/check-registry.js';
import { runRegistrationChecks } from '../../security/registration-checks.js';
import { REGISTRATION_PATH } from './paths.js';
import { tooManyRequests } from './token-rate-limits.js';
import { addressKey } from '../../limits/address-key.js';
import { rateLimitStoreOptions, type SharedRateLimitStore } from '../../limits/rate-limit-store.js';
import { isRecord } from '../../shared/is-record.js';
import type { AuditAction } from '../../audit/audit-actions.js';

/** What the registration endpoint uses. */
export interface RegistrationEndpointServices {
  config: Pick<
    GatehouseConfig,
    | 'registrationRateLimitPerAddress'
    | 'registrationsPerInitialAccessToken'
    | 'openRegistration'
    | 'openRegistrationProfile'
    | 'openRegistrationRateLimitPerAddress'
    | 'openRegistrationRateLimitWindow'
  >;
  initialAccessTokens: Pick<InitialAccessTokens, 'verify' | 'withRegistrationSlot'>;
  profiles: Pick<ProfileRegistry, 'get'>;
  clients: Pick<ClientRegistry, 'registerInstance'>;
  /** Every registration is recorded (`client.register`): who registered what, from where. */
  audit: Pick<AuditLog, 'record'>;
  /** Counters shared by every instance (database or Redis): the per-address limit of open registration. */
  attempts: Pick<AttemptLimiter, 'reserve'>;
  /** Redis shared by every instance for the per-address limit (REDIS_URL); undefined: counted in memory. */
  rateLimitStore: SharedRateLimitStore | undefined;
  /** The security checks whose `register` hooks a profile's registration_checks run. */
  checks: Pick<CheckRegistry, 'get'>;
}

const BEARER_ERROR = { 'WWW-Authenticate': 'Bearer realm="services", error="invalid_token"' };

/** Who is registering: a bearer of an initial access token (and which), or anyone (open registration). */
type Admission = { policy: 'initial-access-token'; token: InitialAccessToken; profile: SecurityProfile } | { policy: 'open'; profile: SecurityProfile };

/**
 * RFC 7591 dynamic registration. With `Authorization: Bearer <initial access token>`, under the token's profile:
 * app instances (private_key_jwt with their public keys in jwks, client_credentials) and authorization code
 * clients (redirect_uris; public, or private_key_jwt). Without one, when the operator turned open registration
 * on: authorization code clients only, under GATEHOUSE_OPEN_REGISTRATION_PROFILE, so many per address and window.
 * No registered client gets a secret, allowed scopes of its own, skip_consent or the power to act for users:
 * its scope elements go through its profile's mapping and checks.
 */
export async function registerRegistrationEndpoint(app: FastifyInstance, services: RegistrationEndpointServices): Promise<void> {
  const openRule: AttemptRule = {
    name: 'open-registration-address',
    max: () => services.config.openRegistrationRateLimitPerAddress,
    windowMs: () => services.config.openRegistrationRateLimitWindow * 1000,
    successGivesBack: false,
  };

  /** The profile and policy a request registers under; 401 invalid_token when it may not register at all. */
  async function admit(authorization: string | undefined): Promise<Admission> {
    const { config } = services;
    if (authorization === undefined && config.openRegistration && config.openRegistrationProfile !== undefined) {
      const profile = await services.profiles.get(config.openRegistrationProfile).catch(() => undefined);
      if (!profile?.registrationEnabled) throw new OAuthError(401, 'invalid_token', 'open registration is turned off; registration needs an initial access token', BEARER_ERROR);
      return { policy: 'open', profile };
    }
    const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
    if (!match?.[1]) throw new OAuthError(401, 'invalid_token', 'registration needs Authorization: Bearer <initial access token>', { 'WWW-Authenticate': 'Bearer realm="services"' });
    const token = await services.initialAccessTokens.verify(match[1]);
    if (!token) throw new OAuthError(401, 'invalid_token', 'the initial access token is not valid, expired or revoked', BEARER_ERROR);
    const profile = await services.profiles.get(token.profile).catch(() => undefined);
    if (!profile?.registrationEnabled) throw new OAuthError(401, 'invalid_token', 'registration is turned off for the profile of this initial access token', BEARER_ERROR);
    return { policy: 'initial-access-token', token, profile };
  }

  const openProfile = services.config.openRegistration ? services.config.openRegistrationProfile : undefined;
  if (openProfile !== undefined) {
    // Said once at start: an operator who turned open registration on expects it to work.
    app.addHook('onReady', async () => {
      const profile = await services.profiles.get(openProfile).catch(() => undefined);
      if (!profile) app.log.warn({ profile: openProfile }, 'open registration names a security profile that does not exist; registrations are refused until it is created');
      else if (!profile.registrationEnabled) app.log.warn({ profile: openProfile }, 'open registration is on, but its security profile has registration_enabled false; registrations are refused');
      else app.log.info({ profile: openProfile }, 'open registration is on: clients of the authorization code flow may register without an initial access token');
    });
  }

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
        const admission = await admit(request.headers.authorization);
        const mediaType = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
        if (mediaType !== 'application/json') throw new OAuthError(400, 'invalid_request', 'the request body must be application/json (RFC 7591 §3.1)');
        const body: unknown = request.body;
        if (!isRecord(body)) throw new OAuthError(400, 'invalid_request', 'the request body must be a JSON object of client metadata');
        // Other metadata is ignored (RFC 7591 §2); what the client may get is decided by its profile.
        const plan = planRegistration(body, admission.profile, admission.policy);
        const register = () => services.clients.registerInstance(plan.changes).catch(asMetadataError);
        const actor = admission.policy === 'open' ? 'anonymous' : `initial-access-token:${admission.token.id}`;
        /** The profile's registration checks, before anything is written: a refusal is audited and answered 400. */
        const runChecks = async () => {
          if (admission.profile.registrationChecks.length === 0) return;
          const refusal = await runRegistrationChecks(
            services.checks,
            admission.profile.registrationChecks,
            {
              metadata: body,
              ...attestationOf(body),
              profile: admission.profile.name,
              policy: admission.policy,
              request: { sourceAddress: request.ip, headers: request.headers },
              now: Date.now(),
            },
            request.log,
          );
          if (!refusal) return;
          request.log.info({ profile: admission.profile.name, check: refusal.check, reason: refusal.reason }, 'registration refused by a registration check');
          await services.audit.record({
            actor,
            action: 'client.register',
            target: null,
            outcome: 'failure',
            status: 400,
            reason: `${refusal.error}: ${refusal.check}: ${refusal.reason}`,
            sourceAddress: request.ip,
          });
          throw new OAuthError(400, refusal.error, `${refusal.check}: ${refusal.reason}`);
        };
        let client: Client;
        if (admission.policy === 'open') {
          await services.attempts.reserve([{ rule: openRule, value: addressKey(request.ip) }]).catch((error: unknown) => {
            if (error instanceof TooManyAttempts) throw tooManyRequests('open registrations from this address', error.retryAfterMs);
            throw error;
          });
          await runChecks();
          client = await register();
        } else {
          await runChecks();
          const maxRegistrations = services.config.registrationsPerInitialAccessToken;
          const registered = await services.initialAccessTokens.withRegistrationSlot(admission.token, maxRegistrations, register);
          if (!registered) throw new OAuthError(401, 'invalid_token', `the initial access token has registered its maximum of ${maxRegistrations} clients`, BEARER_ERROR);
          client = registered;
        }
        request.log.info(
          {
            clientId: client.clientId,
            clientName: client.clientName,
            profile: admission.profile.name,
            policy: admission.policy,
            ...(admission.policy === 'open' ? {} : { initialAccessToken: admission.token.id }),
          },
          plan.kind === 'instance' ? 'app instance registered' : 'client registered',
        );
        await services.audit.record({
          actor,
          action: 'client.register' satisfies AuditAction,
          target: client.clientId,
          outcome: 'success',
          status: 201,
          clientId: client.clientId,
          sourceAddress: request.ip,
        });
        return reply.status(201).send(registrationResponse(client, plan));
      },
    );
  });
}

/** A rule between fields that the new client broke (checked when it is created): RFC 7591 §3.2.2. */
function asMetadataError(error: unknown): never {
  if (error instanceof FieldValidationError) throw registrationRefusal(error);
  throw error;
}
