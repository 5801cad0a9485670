import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GatehouseConfig } from '../../config/config.js';
import { toErrorDescription } from '../../shared/error-description.js';
import type { UsersStore } from '../../users/users-store.js';
import type { AccessTokenVerifier } from '../access-token-verifier.js';
import { ROLES_CLAIM, ROLES_SCOPE } from '../../users/user.js';
import { OPENID_SCOPE, userClaims } from '../user-claims.js';
import { noStore } from './oauth-replies.js';
import { USERINFO_PATH } from './paths.js';

/** What the UserInfo endpoint uses. */
export interface UserinfoEndpointServices {
  config: Pick<GatehouseConfig, 'issuer'>;
  verifier: Pick<AccessTokenVerifier, 'verify'>;
  users: Pick<UsersStore, 'get'>;
}

const REALM = 'gatehouse';

/** A refusal answered per RFC 6750 §3: a `WWW-Authenticate: Bearer` challenge, and the error in the body. */
class BearerRefusal extends Error {
  constructor(
    readonly status: 400 | 401 | 403,
    /** Absent when the request carried no token (§3.1: no error code then). */
    readonly code: 'invalid_request' | 'invalid_token' | 'insufficient_scope' | undefined,
    readonly description: string,
  ) {
    super(description);
  }

  send(reply: FastifyReply): FastifyReply {
    const description = toErrorDescription(this.description);
    const parts = [`realm="${REALM}"`];
    if (this.code) parts.push(`error="${this.code}"`, `error_description="${description}"`);
    if (this.code === 'insufficient_scope') parts.push(`scope="${OPENID_SCOPE}"`);
    return noStore(reply)
      .status(this.status)
      .header('WWW-Authenticate', `Bearer ${parts.join(', ')}`)
      .send({ error: this.code ?? 'invalid_request', error_description: description });
  }
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * The access token of the request (RFC 6750 §2): `Authorization: Bearer`, or, on POST, the form parameter
 * `access_token` (§2.2). One method only (§2).
 */
function accessTokenOf(request: FastifyRequest): string {
  const authorization = request.headers.authorization;
  let fromHeader: string | undefined;
  if (authorization !== undefined) {
    const match = BEARER.exec(authorization);
    if (!match?.[1]) throw new BearerRefusal(401, 'invalid_token', 'the Authorization header is not a Bearer token');
    fromHeader = match[1];
  }
  const body = request.body;
  const formToken = request.method === 'POST' && body !== null && typeof body === 'object' ? (body as Record<string, unknown>).access_token : undefined;
  if (Array.isArray(formToken)) throw new BearerRefusal(400, 'invalid_request', 'access_token is repeated');
  if (formToken !== undefined && typeof formToken !== 'string') throw new BearerRefusal(400, 'invalid_request', 'access_token must be a string');
  if (fromHeader !== undefined && formToken !== undefined) throw new BearerRefusal(400, 'invalid_request', 'the access token is sent in more than one way');
  const token = fromHeader ?? formToken;
  if (token === undefined || token === '') throw new BearerRefusal(401, undefined, 'the request carries no access token');
  return token;
}

/**
 * OpenID Connect UserInfo (OIDC Core §5.3), GET and POST: for an access token issued to a user with the
 * `openid` scope, `sub` and the claims of its `profile` and `email` scopes (and `roles` when the token carries them), from the user registry.
 * The token must be meant for this server (its audience is the issuer).
 */
export function registerUserinfoEndpoint(app: FastifyInstance, services: UserinfoEndpointServices): void {
  const userinfo = async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const result = await services.verifier.verify(accessTokenOf(request));
      if (!result.active) throw new BearerRefusal(401, 'invalid_token', 'the access token is invalid, expired or revoked');
      const { claims } = result;
      const audiences = Array.isArray(claims.aud) ? claims.aud : claims.aud === undefined ? [] : [claims.aud];
      if (!audiences.includes(services.config.issuer)) throw new BearerRefusal(401, 'invalid_token', 'the access token is meant for another audience');
      if (typeof claims.username !== 'string' || claims.sub === claims.client_id) throw new BearerRefusal(401, 'invalid_token', 'the access token was not issued for a user');
      const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
      if (!scopes.includes(OPENID_SCOPE)) throw new BearerRefusal(403, 'insufficient_scope', 'the access token lacks the scope openid');
      const user = await services.users.get(claims.sub);
      if (!user?.enabled) throw new BearerRefusal(401, 'invalid_token', 'the user is disabled or gone');
      // Roles when the access token was granted them: the `roles` scope, or the client's roles_claim switch (which
      // put the claim into the token). The roles shown are the registry's, as of now.
      const withRoles = scopes.includes(ROLES_SCOPE) || Array.isArray(claims[ROLES_CLAIM]);
      return noStore(reply).send(userClaims(user, scopes, withRoles));
    } catch (error) {
      if (error instanceof BearerRefusal) return error.send(reply);
      throw error;
    }
  };
  // A bearer API without cookies: any origin may call it from a browser (no credentials are involved).
  const anyOrigin = { onSend: allowAnyOrigin };
  app.get(USERINFO_PATH, anyOrigin, userinfo);
  app.post(USERINFO_PATH, anyOrigin, userinfo);
  app.options(USERINFO_PATH, anyOrigin, async (_request, reply) =>
    reply.status(204).header('Access-Control-Allow-Methods', 'GET, POST').header('Access-Control-Allow-Headers', 'Authorization, Content-Type').header('Access-Control-Max-Age', '600').send(),
  );
}

async function allowAnyOrigin(_request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  reply.header('Access-Control-Allow-Origin', '*');
  reply.header('Access-Control-Expose-Headers', 'WWW-Authenticate');
  return payload;
}
