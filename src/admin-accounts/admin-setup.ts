import { randomUUID } from 'node:crypto';
import type { SecretDigester } from '../keys/secret-digest.js';
import { generateSecret } from '../keys/secret-digest.js';
import { ConflictError, ForbiddenError } from '../shared/errors.js';
import type { PasswordHasher } from '../users/password-hasher.js';
import { parseAdminPassword, parseAdminUsername, type AdminAccount } from './admin-account.js';
import type { AdminAccountsStore } from './admin-accounts-store.js';
import type { AdminSetupStore, PendingSetupLink } from './admin-setup-store.js';

/** How long a setup link works after it was made: long enough to open a browser, short enough to be worth little when leaked. */
export const SETUP_LINK_LIFETIME_MS = 60 * 60_000;

/** The console path of the setup page; the link's secret follows in the fragment, which browsers never send. */
export const SETUP_PAGE_PATH = '/admin/setup';

export class InvalidSetupLinkError extends ForbiddenError {
  override readonly code = 'invalid_setup_link';
  constructor() {
    super('this setup link is not valid: it was used, replaced or has expired; restart `gatehouse serve` or run `gatehouse admins setup-link` for a new one');
    this.name = 'InvalidSetupLinkError';
  }
}

export class SetupDoneError extends ConflictError {
  override readonly code = 'setup_done';
  constructor() {
    super('an administrator exists already; sign in, or ask an administrator for an account');
    this.name = 'SetupDoneError';
  }
}

/** What a start found: a new link to print once, a link made earlier that still works, or an administrator. */
export type SetupOffer = { kind: 'new'; secret: string; expiresAt: number } | { kind: 'pending'; expiresAt: number } | { kind: 'not_needed' };

/**
 * The first administrator's one-time setup link. While no administrator exists, `gatehouse serve` makes one
 * (its secret printed once, only its keyed digest stored, shared by every instance on the database); whoever
 * holds it may create the first account within SETUP_LINK_LIFETIME_MS, once. Once any administrator exists
 * (however it was made) no link works.
 */
export class AdminSetup {
  constructor(
    private readonly store: AdminSetupStore,
    private readonly admins: Pick<AdminAccountsStore, 'count'>,
    private readonly hasher: PasswordHasher,
    private readonly digester: SecretDigester,
  ) {}

  /** Whether the console still has no administrator (the sign-in page then says how to get one). */
  async needed(): Promise<boolean> {
    return (await this.admins.count()) === 0;
  }

  /**
   * At start-up: a new link when no administrator exists and no working link is pending (several instances
   * starting at once make one between them); the pending link's expiry when one still works.
   */
  async offer(now = Date.now()): Promise<SetupOffer> {
    if (!(await this.needed())) return { kind: 'not_needed' };
    const current = await this.store.pending();
    if (current && current.expiresAt > now) return { kind: 'pending', expiresAt: current.expiresAt };
    const secret = generateSecret();
    const next = { digest: this.digester.digest(secret), expiresAt: now + SETUP_LINK_LIFETIME_MS };
    if (await this.store.offer(next, current)) return { kind: 'new', secret, expiresAt: next.expiresAt };
    const winner = await this.store.pending();
    return winner ? { kind: 'pending', expiresAt: winner.expiresAt } : { kind: 'not_needed' };
  }

  /** A new link in place of any pending one (the CLI's `admins setup-link`); refused once an administrator exists. */
  async renew(now = Date.now()): Promise<{ secret: string; expiresAt: number }> {
    for (;;) {
      if (!(await this.needed())) throw new SetupDoneError();
      const current = await this.store.pending();
      const secret = generateSecret();
      const next = { digest: this.digester.digest(secret), expiresAt: now + SETUP_LINK_LIFETIME_MS };
      if (await this.store.offer(next, current)) return { secret, expiresAt: next.expiresAt };
    }
  }

  /** Creates the first administrator with a link's secret; the link is used up. Fields are checked before the link. */
  async redeem(secret: string, username: unknown, password: unknown, now = Date.now()): Promise<AdminAccount> {
    const name = parseAdminUsername(username);
    const chosen = parseAdminPassword(password);
    if (!(await this.needed())) throw new SetupDoneError();
    const link = await this.store.pending();
    if (!this.works(link, secret, now)) throw new InvalidSetupLinkError();
    const admin: AdminAccount = { id: randomUUID(), username: name, passwordHash: await this.hasher.hash(chosen), role: 'admin', createdAt: now, updatedAt: now };
    const outcome = await this.store.redeem(link, admin);
    if (outcome === 'admin_exists') throw new SetupDoneError();
    if (outcome === 'link_gone') throw new InvalidSetupLinkError();
    return admin;
  }

  private works(link: PendingSetupLink | undefined, secret: string, now: number): link is PendingSetupLink {
    // Compared in constant time even when nothing is pending.
    const matches = this.digester.matches(secret, link?.digest ?? null);
    return link !== undefined && matches && link.expiresAt > now;
  }
}

/** The setup page's address under the issuer, with the secret in the fragment (never sent to a server, so never in a request log). */
export function setupLinkOf(issuer: string, secret: string): string {
  return `${issuer.replace(/\/+$/, '')}${SETUP_PAGE_PATH}#${secret}`;
}
