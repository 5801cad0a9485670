import { generateSecret } from '../../keys/secret-digest.js';
import type { BrowserSession } from '../../sign-in/browser-session.js';
import type { BrowserContext } from './flow-types.js';

/** How long browser sessions last, in seconds (GATEHOUSE_BROWSER_SESSION_IDLE_LIFETIME, GATEHOUSE_BROWSER_SESSION_LIFETIME). */
export interface SessionLifetimes {
  browserSessionIdleLifetime: number;
  browserSessionLifetime: number;
}

/** A new browser session for a person who just signed in: a fresh random id (its cookie value) and the row to store. */
export function newBrowserSession(
  userId: string,
  amr: string[],
  browser: Pick<BrowserContext, 'userAgent' | 'sourceAddress'>,
  lifetimes: SessionLifetimes,
  digest: (secret: string) => string,
  now: number,
): { sessionId: string; session: BrowserSession } {
  const sessionId = generateSecret();
  const absoluteExpiresAt = now + lifetimes.browserSessionLifetime * 1000;
  return {
    sessionId,
    session: {
      idDigest: digest(sessionId),
      userId,
      authTime: now,
      amr,
      createdAt: now,
      lastSeenAt: now,
      idleExpiresAt: idleEnd(lifetimes, absoluteExpiresAt, now),
      absoluteExpiresAt,
      endedAt: null,
      userAgent: browser.userAgent === undefined ? null : browser.userAgent.slice(0, 300),
      sourceAddress: browser.sourceAddress,
    },
  };
}

/** The idle end of a session used at `now`: moved forward by the idle lifetime, never past the absolute end. */
export function idleEnd(lifetimes: SessionLifetimes, absoluteExpiresAt: number, now: number): number {
  return Math.min(now + lifetimes.browserSessionIdleLifetime * 1000, absoluteExpiresAt);
}
