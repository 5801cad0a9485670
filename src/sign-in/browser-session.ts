/**
 * A person signed in in one browser (single sign-on): the cookie holds a random id, the store its keyed digest.
 * While it lasts (idle and absolute lifetimes), the person is not asked to sign in again.
 */
export interface BrowserSession {
  idDigest: string;
  userId: string;
  /** Epoch ms of the sign-in (OIDC auth_time). */
  authTime: number;
  /** Authentication methods passed in this session (OIDC amr), e.g. ["pwd"], ["pwd","pin"]. */
  amr: string[];
  createdAt: number;
  lastSeenAt: number;
  /** Epoch ms after which an idle session is over (moved forward when used). */
  idleExpiresAt: number;
  /** Epoch ms after which the session is over whatever its use. */
  absoluteExpiresAt: number;
  /** Epoch ms of sign-out or of an administrator ending it; null while it lasts. */
  endedAt: number | null;
  /** For the lists: the browser's User-Agent (truncated) and source address at sign-in. */
  userAgent: string | null;
  sourceAddress: string;
}

/** Whether a session is usable at `now`. */
export function sessionIsLive(session: BrowserSession, now: number): boolean {
  return session.endedAt === null && session.idleExpiresAt > now && session.absoluteExpiresAt > now;
}

/** What browser sessions need from storage; `store/` implements it. */
export interface BrowserSessionsStore {
  insert(session: BrowserSession): Promise<void>;
  get(idDigest: string): Promise<BrowserSession | undefined>;
  /** Records a use: last seen now, idle expiry moved (never past the absolute expiry); also adds passed methods to amr. */
  touch(idDigest: string, change: { lastSeenAt: number; idleExpiresAt: number; amr?: string[] }): Promise<void>;
  /** Ends one session; false when there was none live. */
  end(idDigest: string, now: number): Promise<boolean>;
  /** Ends every live session of a user; returns how many. */
  endAllForUser(userId: string, now: number): Promise<number>;
  /** Live sessions, newest first (administrators' list); `userId` filters. */
  list(query: { userId?: string | undefined; now: number; limit: number; offset: number }): Promise<{ sessions: BrowserSession[]; total: number }>;
}
