import type { AdminAccount } from './admin-account.js';

/** The one pending setup link: the keyed digest of its secret (never the secret) and when it stops working. */
export interface PendingSetupLink {
  digest: string;
  expiresAt: number;
}

/** How redeeming a setup link ended in the store. */
export type SetupRedemption = 'created' | 'link_gone' | 'admin_exists';

/** What the first administrator's setup link needs from storage; `store/admin-setup-repository.ts` implements it. */
export interface AdminSetupStore {
  pending(): Promise<PendingSetupLink | undefined>;
  /** Stores `next` when no link is pending, or in place of `replacing` when that one is still the pending link; true when stored. */
  offer(next: PendingSetupLink, replacing: PendingSetupLink | undefined): Promise<boolean>;
  /**
   * In one transaction: removes `link` if it is still the pending one, then stores `admin` if no administrator
   * exists. Of two concurrent redemptions of one link, exactly one removes it: the other gets `link_gone`.
   */
  redeem(link: PendingSetupLink, admin: AdminAccount): Promise<SetupRedemption>;
}
