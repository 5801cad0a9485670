import type { FastifyInstance } from 'fastify';
import { toInitialAccessTokenJson, type InitialAccessTokens } from '../security/initial-access-tokens.js';
import type { ProfileRegistry } from '../security/profile-registry.js';

/** What the profile routes use. */
export interface ProfilesApiServices {
  profiles: ProfileRegistry;
  initialAccessTokens: InitialAccessTokens;
}
import type { CreatedInitialAccessTokenJson } from './wire.js';
import { parseProfileBody, parseProfileName, ProfileValidationError, toProfileJson, type ProfileSettings } from '../security/security-profile.js';

interface NameParams {
  name: string;
}

/** `/admin/api/profiles`: security profiles over JSON. */
export function registerProfilesApi(app: FastifyInstance, gatehouse: ProfilesApiServices): void {
  const registry = gatehouse.profiles;
  app.get('/profiles', async () => ({ profiles: (await registry.list()).map(toProfileJson) }));

  app.post('/profiles', async (request, reply) => {
    const { name, settings } = parseProfileBody(request.body, false, {
      name: (given) => {
        if (given === undefined) throw new ProfileValidationError('name', 'is required');
      },
      references: registry.referenceChecks(),
    });
    if (name === undefined) throw new ProfileValidationError('name', 'is required');
    const profile = await registry.create(name, settings as ProfileSettings);
    request.log.info({ profile: name }, 'security profile created');
    return reply
      .status(201)
      .header('Location', `/admin/api/profiles/${encodeURIComponent(name)}`)
      .send(toProfileJson(profile));
  });

  app.get<{ Params: NameParams }>('/profiles/:name', async (request) => toProfileJson(await registry.get(request.params.name)));

  // PUT creates the profile or replaces every setting (absent ones take their defaults).
  app.put<{ Params: NameParams }>('/profiles/:name', async (request, reply) => {
    const name = parseProfileName(request.params.name);
    const { settings } = parseProfileBody(request.body, false, {
      name: (given) => {
        if (given !== undefined && given !== name) throw new ProfileValidationError('name', 'must match the name in the path');
      },
      references: registry.referenceChecks(),
    });
    const { profile, created } = await registry.replace(name, settings as ProfileSettings);
    request.log.info({ profile: name }, created ? 'security profile created' : 'security profile replaced');
    return reply.status(created ? 201 : 200).send(toProfileJson(profile));
  });

  app.patch<{ Params: NameParams }>('/profiles/:name', async (request) => {
    const { settings } = parseProfileBody(request.body, true, {
      name: (given) => {
        if (given !== undefined && given !== request.params.name) throw new ProfileValidationError('name', 'cannot be changed');
      },
      references: registry.referenceChecks(),
    });
    const profile = await registry.update(request.params.name, settings);
    request.log.info({ profile: profile.name }, 'security profile updated');
    return toProfileJson(profile);
  });

  app.get<{ Params: NameParams }>('/profiles/:name/initial-access-tokens', async (request) => ({
    initial_access_tokens: (await gatehouse.initialAccessTokens.list(request.params.name)).map(toInitialAccessTokenJson),
  }));

  // The token is in this answer only; it is stored as a keyed digest.
  app.post<{ Params: NameParams }>('/profiles/:name/initial-access-tokens', async (request, reply) => {
    const body: unknown = request.body ?? {};
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ProfileValidationError('body', 'must be a JSON object');
    for (const key of Object.keys(body)) if (key !== 'description' && key !== 'expires_in') throw new ProfileValidationError(key, 'unknown field; use description or expires_in');
    const { description, expires_in: expiresIn } = body as { description?: unknown; expires_in?: unknown };
    const { token, record } = await gatehouse.initialAccessTokens.create(request.params.name, { description, expiresIn });
    request.log.info({ profile: record.profile, id: record.id }, 'initial access token created');
    return reply
      .status(201)
      .header('Cache-Control', 'no-store')
      .send({ ...toInitialAccessTokenJson(record), token } satisfies CreatedInitialAccessTokenJson);
  });

  app.delete<{ Params: NameParams & { id: string } }>('/profiles/:name/initial-access-tokens/:id', async (request, reply) => {
    await gatehouse.initialAccessTokens.revoke(request.params.name, request.params.id);
    request.log.info({ profile: request.params.name, id: request.params.id }, 'initial access token revoked');
    return reply.status(204).send();
  });

  app.delete<{ Params: NameParams }>('/profiles/:name', async (request, reply) => {
    await registry.delete(request.params.name);
    request.log.info({ profile: request.params.name }, 'security profile deleted');
    return reply.status(204).send();
  });
}
