// The app's own sessions: in memory, named by a random cookie. (Gatehouse's session is separate: its cookies
// belong to Gatehouse's origin, and single sign-on happens there.)
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PendingSignIn, SignedIn } from './relying-party.js';

/** Distinct from Gatehouse's cookie names: cookies do not tell ports apart, and both may run on 127.0.0.1. */
export const SESSION_COOKIE = 'web_app_session';
const IDLE_LIFETIME_MS = 60 * 60_000;

export interface AppSession {
  id: string;
  /** Token of this session's forms (the cookie is also SameSite=Lax). */
  csrf: string;
  pending: PendingSignIn | undefined;
  signedIn: SignedIn | undefined;
  /** state of a sign-out in progress, checked when Gatehouse sends the browser back. */
  signOutState: string | undefined;
  /** A line shown once on the next page (an error of the callback, "signed out"). */
  notice: string | undefined;
  /** The last answer of the protected command. */
  commandResult: string | undefined;
  lastSeen: number;
}

export class SessionStore {
  private readonly sessions = new Map<string, AppSession>();

  /** The browser's session, made (and its cookie set) when it has none. */
  of(request: IncomingMessage, response: ServerResponse): AppSession {
    this.purge();
    const id = cookieOf(request, SESSION_COOKIE);
    const found = id === undefined ? undefined : this.sessions.get(id);
    if (found) {
      found.lastSeen = Date.now();
      return found;
    }
    const session: AppSession = {
      id: randomBytes(32).toString('base64url'),
      csrf: randomBytes(32).toString('base64url'),
      pending: undefined,
      signedIn: undefined,
      signOutState: undefined,
      notice: undefined,
      commandResult: undefined,
      lastSeen: Date.now(),
    };
    this.sessions.set(session.id, session);
    response.setHeader('set-cookie', `${SESSION_COOKIE}=${session.id}; Path=/; HttpOnly; SameSite=Lax`);
    return session;
  }

  private purge(): void {
    const now = Date.now();
    for (const [id, session] of this.sessions) if (now - session.lastSeen > IDLE_LIFETIME_MS) this.sessions.delete(id);
  }
}

function cookieOf(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}
