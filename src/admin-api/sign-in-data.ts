import type { ClientRegistry } from '../clients/client-registry.js';
import { NotFoundError } from '../shared/errors.js';
import type { BrowserSession } from '../sign-in/browser-session.js';
import type { Consent } from '../sign-in/consent.js';
import type { SignInStores } from '../sign-in/sign-in-stores.js';
import type { User } from '../users/user.js';
import type { UsersStore } from '../users/users-store.js';
import type { BrowserSessionJson, ConsentJson, EndedSessionsJson } from './wire.js';

/** What administrators' view of browser sign-in's data uses. */
export interface SignInDataServices {
  signInStores: Pick<SignInStores, 'sessions' | 'consents'>;
  usersRepository: Pick<UsersStore, 'get' | 'findByIdOrUsername'>;
  clients: Pick<ClientRegistry, 'get'>;
}

/** A user named by id or username that does not exist. */
export class UnknownUserError extends NotFoundError {
  constructor(readonly reference: string) {
    super(`no user with id or username '${reference}'`);
    this.name = 'UnknownUserError';
  }
}

/** No live session has this id (it ended, expired, or never was). */
export class BrowserSessionNotFoundError extends NotFoundError {
  constructor() {
    super('no live browser session with this id');
    this.name = 'BrowserSessionNotFoundError';
  }
}

export class ConsentNotFoundError extends NotFoundError {
  constructor(userId: string, clientId: string) {
    super(`user '${userId}' has no consent for client '${clientId}'`);
    this.name = 'ConsentNotFoundError';
  }
}

/** A session id as the lists show it: a SecretDigester digest (HMAC-SHA256, base64url). */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

const iso = (time: number): string => new Date(time).toISOString();

export function toBrowserSessionJson(session: BrowserSession, username: string | null): BrowserSessionJson {
  return {
    id: session.idDigest,
    user_id: session.userId,
    username,
    auth_time: iso(session.authTime),
    amr: [...session.amr],
    created_at: iso(session.createdAt),
    last_seen_at: iso(session.lastSeenAt),
    idle_expires_at: iso(session.idleExpiresAt),
    absolute_expires_at: iso(session.absoluteExpiresAt),
    user_agent: session.userAgent,
    source_address: session.sourceAddress,
  };
}

export function toConsentJson(consent: Consent, username: string | null, clientName: string | null): ConsentJson {
  return {
    user_id: consent.userId,
    username,
    client_id: consent.clientId,
    client_name: clientName,
    scope: consent.scopes.join(' '),
    granted_at: iso(consent.grantedAt),
    updated_at: iso(consent.updatedAt),
  };
}

/**
 * Browser sessions and consents as administrators see and end them (the admin API and the CLI share it).
 * Users are named by id or username; lists carry the username and client name beside the ids.
 */
export class SignInData {
  constructor(
    private readonly services: SignInDataServices,
    private readonly now: () => number = Date.now,
  ) {}

  /** The user named by id or username; UnknownUserError otherwise. */
  async user(reference: string): Promise<User> {
    const user = reference === '' ? undefined : await this.services.usersRepository.findByIdOrUsername(reference);
    if (!user) throw new UnknownUserError(reference);
    return user;
  }

  /** Live sessions, newest first; `user` (id or username) filters. */
  async listSessions(query: { user?: string | undefined; limit: number; offset: number }): Promise<{ sessions: BrowserSessionJson[]; total: number }> {
    const userId = query.user === undefined ? undefined : (await this.user(query.user)).id;
    const { sessions, total } = await this.services.signInStores.sessions.list({ userId, now: this.now(), limit: query.limit, offset: query.offset });
    const usernames = await this.usernamesOf(sessions.map((session) => session.userId));
    return { sessions: sessions.map((session) => toBrowserSessionJson(session, usernames.get(session.userId) ?? null)), total };
  }

  /** Ends one live session; BrowserSessionNotFoundError when there is none by that id. Returns it as it was. */
  async endSession(id: string): Promise<BrowserSessionJson> {
    if (!SESSION_ID.test(id)) throw new BrowserSessionNotFoundError();
    const store = this.services.signInStores.sessions;
    const session = await store.get(id);
    if (!session || !(await store.end(id, this.now()))) throw new BrowserSessionNotFoundError();
    const user = await this.services.usersRepository.get(session.userId);
    return toBrowserSessionJson(session, user?.username ?? null);
  }

  /** Ends every live session of a user (id or username). */
  async endUserSessions(reference: string): Promise<EndedSessionsJson & { username: string }> {
    const user = await this.user(reference);
    const ended = await this.services.signInStores.sessions.endAllForUser(user.id, this.now());
    return { user_id: user.id, username: user.username, ended };
  }

  /** Consents, newest first; `user` (id or username) and `client` (an existing client's id) filter. */
  async listConsents(query: { user?: string | undefined; client?: string | undefined; limit: number; offset: number }): Promise<{ consents: ConsentJson[]; total: number }> {
    const userId = query.user === undefined ? undefined : (await this.user(query.user)).id;
    const clientId = query.client === undefined ? undefined : (await this.services.clients.get(query.client)).clientId;
    const { consents, total } = await this.services.signInStores.consents.list({ userId, clientId, limit: query.limit, offset: query.offset });
    const usernames = await this.usernamesOf(consents.map((consent) => consent.userId));
    const clientNames = new Map<string, string | null>();
    for (const id of new Set(consents.map((consent) => consent.clientId))) {
      clientNames.set(id, await this.clientName(id));
    }
    return {
      consents: consents.map((consent) => toConsentJson(consent, usernames.get(consent.userId) ?? null, clientNames.get(consent.clientId) ?? null)),
      total,
    };
  }

  /** Withdraws a user's (id or username) consent for a client: the next sign-in through it asks again. */
  async withdrawConsent(reference: string, clientId: string): Promise<{ user_id: string; username: string; client_id: string }> {
    const user = await this.user(reference);
    if (!(await this.services.signInStores.consents.withdraw(user.id, clientId))) throw new ConsentNotFoundError(user.id, clientId);
    return { user_id: user.id, username: user.username, client_id: clientId };
  }

  /** The client's name; null when it is gone (its consents go with it, but a list may race a delete). */
  private async clientName(clientId: string): Promise<string | null> {
    try {
      return (await this.services.clients.get(clientId)).clientName;
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  private async usernamesOf(userIds: string[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const id of new Set(userIds)) {
      const user = await this.services.usersRepository.get(id);
      if (user) names.set(id, user.username);
    }
    return names;
  }
}
