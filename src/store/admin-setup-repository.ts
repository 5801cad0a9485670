import type { Kysely } from 'kysely';
import type { AdminAccount } from '../admin-accounts/admin-account.js';
import type { AdminSetupStore, PendingSetupLink, SetupRedemption } from '../admin-accounts/admin-setup-store.js';
import { toAdminRow } from './admins-repository.js';
import type { Database } from './schema.js';

/** The settings row that holds the pending setup link (digest and expiry), shared by every instance on the database. */
export const SETUP_LINK_SETTING = 'admin_setup_link';

/** One spelling of a link, so that "still the pending one" is a comparison of the stored text. */
function encode(link: PendingSetupLink): string {
  return JSON.stringify({ digest: link.digest, expires_at: link.expiresAt });
}

function decode(value: string): PendingSetupLink | undefined {
  try {
    const parsed = JSON.parse(value) as { digest?: unknown; expires_at?: unknown };
    if (typeof parsed.digest !== 'string' || typeof parsed.expires_at !== 'number') return undefined;
    return { digest: parsed.digest, expiresAt: parsed.expires_at };
  } catch {
    return undefined;
  }
}

/** SQL for the first administrator's setup link: a row of the settings table, replaced and removed by compare-and-set. */
export class AdminSetupRepository implements AdminSetupStore {
  constructor(private readonly db: Kysely<Database>) {}

  async pending(): Promise<PendingSetupLink | undefined> {
    const row = await this.db.selectFrom('settings').select('value').where('name', '=', SETUP_LINK_SETTING).executeTakeFirst();
    return row ? decode(row.value) : undefined;
  }

  async offer(next: PendingSetupLink, replacing: PendingSetupLink | undefined): Promise<boolean> {
    const now = Date.now();
    if (replacing === undefined) {
      const result = await this.db
        .insertInto('settings')
        .values({ name: SETUP_LINK_SETTING, value: encode(next), updated_at: now })
        .onConflict((oc) => oc.column('name').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
    }
    const result = await this.db
      .updateTable('settings')
      .set({ value: encode(next), updated_at: now })
      .where('name', '=', SETUP_LINK_SETTING)
      .where('value', '=', encode(replacing))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async redeem(link: PendingSetupLink, admin: AdminAccount): Promise<SetupRedemption> {
    return this.db.transaction().execute(async (trx) => {
      // The row lock of this delete orders concurrent redemptions: the second finds the row gone.
      const removed = await trx.deleteFrom('settings').where('name', '=', SETUP_LINK_SETTING).where('value', '=', encode(link)).executeTakeFirst();
      if (Number(removed.numDeletedRows) === 0) return 'link_gone';
      const any = await trx.selectFrom('admins').select('id').limit(1).executeTakeFirst();
      if (any) return 'admin_exists';
      await trx.insertInto('admins').values(toAdminRow(admin)).execute();
      return 'created';
    });
  }
}
