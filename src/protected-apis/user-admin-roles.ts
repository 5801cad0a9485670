import type { FastifyReply, FastifyRequest } from 'fastify';
import type { UserRegistry } from '../users/user-registry.js';
import { BearerChallenge } from './bearer-challenge.js';
import { missingRoles, roleChallenge } from './caller-roles.js';
import { REALM } from './protect.js';

/** How the user API weighs a user caller's roles (GATEHOUSE_USER_ADMIN_ROLE). */
export interface UserAdminRoles {
  /** The role a user caller needs to use the user API at all. */
  adminRole: () => string;
  resourceMetadataUrl: () => string;
}

/**
 * The roles of the user a request acts for, read from the user registry (current, whatever the token's scope);
 * undefined for a client token acting for itself (no username claim), which keeps the rights of its scope.
 */
async function userCallerRoles(request: FastifyRequest, users: UserRegistry): Promise<string[] | undefined> {
  const caller = request.caller;
  if (caller?.claims.username === undefined) return undefined;
  try {
    return (await users.get(caller.sub)).roles;
  } catch {
    return [];
  }
}

/** Answers a refusal per RFC 6750 §3. */
export async function refuse(reply: FastifyReply, challenge: BearerChallenge, resourceMetadataUrl: string): Promise<void> {
  await reply.status(challenge.status).header('WWW-Authenticate', challenge.header(REALM, resourceMetadataUrl)).header('Cache-Control', 'no-store').send(challenge.body());
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The roles of a user calling the user API (undefined: a client acting for itself). */
    callerRoles?: string[];
  }
}

/**
 * A preHandler for the user API: a user caller needs the user-administration role. Runs after the scope check
 * (protectGroup), so the caller is known.
 */
export function requireUserAdminRole(users: UserRegistry, roles: UserAdminRoles) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const held = await userCallerRoles(request, users);
    request.callerRoles = held;
    if (held === undefined) return;
    const missing = missingRoles(held, [roles.adminRole()]);
    if (missing.length > 0) await refuse(reply, roleChallenge(missing, undefined, 'the user of the access token'), roles.resourceMetadataUrl());
  };
}

/**
 * The 403 refusal when a user caller would grant roles it does not hold, or change a user holding roles it
 * does not hold (taking over an account with more rights); undefined when allowed, and always for a client caller.
 */
export function roleDelegationRefusal(request: FastifyRequest, change: { grants?: readonly string[] | undefined; target?: readonly string[] | undefined }): BearerChallenge | undefined {
  const held = request.callerRoles;
  if (held === undefined) return undefined;
  const notGrantable = missingRoles(held, change.grants ?? []);
  if (notGrantable.length > 0) {
    return new BearerChallenge(403, 'insufficient_role', `a user may grant only roles it holds; the caller lacks the role ${notGrantable.join(' ')}`, undefined, notGrantable.join(' '));
  }
  const beyond = missingRoles(held, change.target ?? []);
  if (beyond.length > 0) {
    return new BearerChallenge(403, 'insufficient_role', `a user may manage only users whose roles it holds; the caller lacks the role ${beyond.join(' ')}`, undefined, beyond.join(' '));
  }
  return undefined;
}
