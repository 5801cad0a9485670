import type { SecretDigester } from '../keys/secret-digest.js';
import { generateSecret } from '../keys/secret-digest.js';
import type { AdminSessionsStore } from './admin-accounts-store.js';
import type { AdminAccount, AdminRole } from './admin-account.js';

export interface SessionLimits {
  /** Seconds without a request after which a session ends. */
  idleSeconds: number;
  /** Seconds after sign-in after which a session ends, however busy. */
  maxSeconds: number;
}

export interface ActiveSession {
  adminId: string;
  username: string;
  role: AdminRole;
  /** The CSRF token bound to this session (a keyed digest of the cookie value under another label). */
  csrfToken: string;
  expiresAt: number;
  idleExpiresAt: number;
}

/** Touching `last_used_at` at most this often keeps the write load of a busy console small. */
const TOUCH_INTERVAL_MS = 15_000;

/**
 * Console sessions: a random 256-bit cookie value, stored only as a keyed digest, with an idle and an
 * absolute expiry. The CSRF token derives from the cookie value, so it needs no storage and a copy of
 * the table yields neither.
 */
export class AdminSessions {
  constructor(
    private readonly repository: AdminSessionsStore,
    private readonly digester: SecretDigester,
    private readonly limits: () => SessionLimits,
  ) {}

  /** Starts a session; returns the cookie value (to send once) and the session. */
  async start(admin: AdminAccount, now = Date.now()): Promise<{ cookieValue: string; session: ActiveSession }> {
    const cookieValue = generateSecret();
    const { maxSeconds, idleSeconds } = this.limits();
    const expiresAt = now + maxSeconds * 1000;
    await this.repository.insert({ sessionDigest: this.digester.digest(cookieValue), adminId: admin.id, createdAt: now, lastUsedAt: now, expiresAt });
    return {
      cookieValue,
      session: { adminId: admin.id, username: admin.username, role: admin.role, csrfToken: this.csrfTokenOf(cookieValue), expiresAt, idleExpiresAt: Math.min(expiresAt, now + idleSeconds * 1000) },
    };
  }

  /** The live session of a cookie value; an expired one is removed and answers undefined. */
  async resume(cookieValue: string, now = Date.now()): Promise<ActiveSession | undefined> {
    const digest = this.digester.digest(cookieValue);
    const stored = await this.repository.find(digest);
    if (!stored) return undefined;
    const { idleSeconds } = this.limits();
    if (stored.expiresAt <= now || stored.lastUsedAt + idleSeconds * 1000 <= now) {
      await this.repository.delete(digest);
      return undefined;
    }
    if (now - stored.lastUsedAt >= TOUCH_INTERVAL_MS) await this.repository.touch(digest, now);
    return {
      adminId: stored.adminId,
      username: stored.username,
      role: stored.role,
      csrfToken: this.csrfTokenOf(cookieValue),
      expiresAt: stored.expiresAt,
      idleExpiresAt: Math.min(stored.expiresAt, now + idleSeconds * 1000),
    };
  }

  /** Whether a presented CSRF token belongs to the session of this cookie value (constant time). */
  csrfMatches(cookieValue: string, presented: string): boolean {
    return this.digester.matches(presented, this.digester.digest(this.csrfTokenOf(cookieValue)));
  }

  /** The stored key of a cookie value's session (to keep that one session when the others end). */
  storedKeyOf(cookieValue: string): string {
    return this.digester.digest(cookieValue);
  }

  async end(cookieValue: string): Promise<void> {
    await this.repository.delete(this.digester.digest(cookieValue));
  }

  private csrfTokenOf(cookieValue: string): string {
    return this.digester.digest(`csrf:${cookieValue}`);
  }
}
