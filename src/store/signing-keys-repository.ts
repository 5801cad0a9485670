import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { StoreEngine } from './database.js';
import { recordChange } from './change-events-repository.js';
import type { Database, SigningKeysTable } from './schema.js';
import type { SigningKeyPurpose, SigningKeysStore, StoredSigningKey } from '../keys/signing-keys-store.js';

function fromRow(row: Selectable<SigningKeysTable>): StoredSigningKey {
  return {
    kid: row.kid,
    alg: row.alg,
    publicJwk: row.public_jwk,
    privateJwkEncrypted: row.private_jwk_encrypted,
    createdAt: Number(row.created_at),
    activatesAt: Number(row.activates_at),
    purpose: purposeOf(row.purpose),
  };
}

function purposeOf(value: string): SigningKeyPurpose {
  return value === 'id_token' ? 'id_token' : 'access_token';
}

/** Advisory-lock key that serialises the creation of the first signing key on PostgreSQL. */
const FIRST_KEY_LOCK = 0x6761_7465; // "gate"

function toRow(key: StoredSigningKey): Insertable<SigningKeysTable> {
  return {
    kid: key.kid,
    alg: key.alg,
    public_jwk: key.publicJwk,
    private_jwk_encrypted: key.privateJwkEncrypted,
    created_at: key.createdAt,
    activates_at: key.activatesAt,
    purpose: key.purpose ?? 'access_token',
  };
}

export class SigningKeysRepository implements SigningKeysStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly engine: StoreEngine,
  ) {}

  /** Every key, oldest activation first. */
  async all(): Promise<StoredSigningKey[]> {
    const rows = await this.db.selectFrom('signing_keys').selectAll().orderBy('activates_at').orderBy('created_at').execute();
    return rows.map(fromRow);
  }

  async insert(key: StoredSigningKey): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('signing_keys').values(toRow(key)).execute();
      await recordChange(trx, 'signing_key', key.kid);
    });
  }

  /**
   * Inserts the key only if the table holds no key of its purpose yet (first start). Returns whether it was inserted.
   * The check and the insert share one transaction.
   */
  async insertIfEmpty(key: StoredSigningKey): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      // Instances starting together on an empty PostgreSQL database: one at a time past this point.
      if (this.engine === 'postgres') await sql`select pg_advisory_xact_lock(${FIRST_KEY_LOCK})`.execute(trx);
      const existing = await trx
        .selectFrom('signing_keys')
        .select('kid')
        .where('purpose', '=', key.purpose ?? 'access_token')
        .limit(1)
        .executeTakeFirst();
      if (existing) return false;
      await trx.insertInto('signing_keys').values(toRow(key)).execute();
      await recordChange(trx, 'signing_key', key.kid);
      return true;
    });
  }
}
