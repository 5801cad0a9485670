import type { JSONWebKeySet } from 'jose';
import { sql, type Kysely, type Transaction } from 'kysely';
import { ClientValidationError } from '../clients/client-metadata.js';
import { ConflictError } from '../shared/errors.js';
import type { Client, ClientAuthMethod, GrantType } from '../clients/client.js';
import { recordChange } from './change-events-repository.js';
import type { ClientsTable, Database } from './schema.js';
import type { ClientListQuery, ClientsStore } from '../clients/clients-store.js';

export class DuplicateClientError extends ConflictError {
  constructor(readonly clientId: string) {
    super(`a client with id '${clientId}' already exists`, 'client_id');
    this.name = 'DuplicateClientError';
  }
}

function toRow(client: Client): ClientsTable {
  return {
    client_id: client.clientId,
    client_name: client.clientName,
    secret_digest: client.secretDigest,
    previous_secret_digest: client.previousSecretDigest,
    previous_secret_expires_at: client.previousSecretExpiresAt,
    grant_types: JSON.stringify(client.grantTypes),
    scope: client.scopes.join(' '),
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    access_token_lifetime: client.accessTokenLifetime,
    refresh_tokens: client.refreshTokens ? 1 : 0,
    enabled: client.enabled ? 1 : 0,
    expires_at: client.expiresAt,
    allowed_origins: JSON.stringify(client.allowedOrigins),
    jwks: client.jwks ? JSON.stringify(client.jwks) : null,
    created_at: client.createdAt,
    updated_at: client.updatedAt,
    refresh_token_lifetime: client.refreshTokenLifetime,
    may_act_for_users: client.mayActForUsers ? 1 : 0,
    profile: client.profile,
    pin_digest: client.pinDigest,
    redirect_uris: JSON.stringify(client.redirectUris),
    post_logout_redirect_uris: JSON.stringify(client.postLogoutRedirectUris),
    skip_consent: client.skipConsent ? 1 : 0,
    require_par: client.requirePushedAuthorizationRequests ? 1 : 0,
    default_scope: client.defaultScope === null ? null : client.defaultScope.join(' '),
    roles_claim: client.rolesClaim ? 1 : 0,
  };
}

function fromRow(row: ClientsTable): Client {
  return {
    clientId: row.client_id,
    clientName: row.client_name,
    secretDigest: row.secret_digest,
    previousSecretDigest: row.previous_secret_digest,
    previousSecretExpiresAt: row.previous_secret_expires_at === null ? null : Number(row.previous_secret_expires_at),
    grantTypes: JSON.parse(row.grant_types) as GrantType[],
    scopes: row.scope === '' ? [] : row.scope.split(' '),
    tokenEndpointAuthMethod: row.token_endpoint_auth_method as ClientAuthMethod,
    accessTokenLifetime: Number(row.access_token_lifetime),
    refreshTokens: Number(row.refresh_tokens) === 1,
    enabled: Number(row.enabled) === 1,
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    allowedOrigins: JSON.parse(row.allowed_origins) as string[],
    jwks: row.jwks ? (JSON.parse(row.jwks) as JSONWebKeySet) : null,
    refreshTokenLifetime: Number(row.refresh_token_lifetime),
    mayActForUsers: Number(row.may_act_for_users) === 1,
    profile: row.profile ?? null,
    pinDigest: row.pin_digest ?? null,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    postLogoutRedirectUris: JSON.parse(row.post_logout_redirect_uris) as string[],
    skipConsent: Number(row.skip_consent) === 1,
    requirePushedAuthorizationRequests: Number(row.require_par) === 1,
    defaultScope: row.default_scope === null || row.default_scope === undefined ? null : row.default_scope === '' ? [] : row.default_scope.split(' '),
    rolesClaim: Number(row.roles_claim) === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** A client may name only a profile that exists (checked in the writer's transaction). */
async function requireProfile(trx: Transaction<Database>, profile: string | null): Promise<void> {
  if (profile === null) return;
  const found = await trx.selectFrom('security_profiles').select('name').where('name', '=', profile).executeTakeFirst();
  if (!found) throw new ClientValidationError('profile', `there is no security profile named '${profile}'`);
}

/** SQL for the clients table. Every write records a change event in the same transaction. */
export class ClientsRepository implements ClientsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(clientId: string): Promise<Client | undefined> {
    const row = await this.db.selectFrom('clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async list(query: ClientListQuery): Promise<{ clients: Client[]; total: number }> {
    let base = this.db.selectFrom('clients');
    if (query.search) {
      const pattern = `%${query.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      // An explicit ESCAPE: SQLite has no default escape character for LIKE.
      base = base.where(sql<boolean>`(lower(client_id) like ${pattern} escape '\\' or lower(client_name) like ${pattern} escape '\\')`);
    }
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy('created_at').orderBy('client_id').limit(query.limit).offset(query.offset).execute(),
      base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { clients: rows.map(fromRow), total: Number(count.n) };
  }

  async all(): Promise<Client[]> {
    const rows = await this.db.selectFrom('clients').selectAll().execute();
    return rows.map(fromRow);
  }

  async insert(client: Client): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('clients').select('client_id').where('client_id', '=', client.clientId).executeTakeFirst();
      if (existing) throw new DuplicateClientError(client.clientId);
      await requireProfile(trx, client.profile);
      await trx.insertInto('clients').values(toRow(client)).execute();
      await recordChange(trx, 'client', client.clientId);
    });
  }

  /**
   * Reads the client, lets `change` compute its new state, and writes it, all in one transaction.
   * Returns the written client, or undefined when there is no such client.
   */
  async update(clientId: string, change: (current: Client) => Client): Promise<Client | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
      if (!row) return undefined;
      const next = change(fromRow(row));
      if (next.profile !== (row.profile ?? null)) await requireProfile(trx, next.profile);
      const { client_id: _id, created_at: _created, ...values } = toRow(next);
      await trx.updateTable('clients').set(values).where('client_id', '=', clientId).execute();
      await recordChange(trx, 'client', clientId);
      return next;
    });
  }

  /**
   * Sets (or with null removes) the client's PIN digest and forgets its PinCode check state (attempts, block,
   * success) in the same transaction — also the per-person states of browser sign-in (`<client id> <user id>`: client ids have no spaces):
   * a new PIN is always asked for. Returns the client, or undefined.
   */
  async setPin(clientId: string, pinDigest: string | null, now: number): Promise<Client | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
      if (!row) return undefined;
      await trx.updateTable('clients').set({ pin_digest: pinDigest, updated_at: now }).where('client_id', '=', clientId).execute();
      await trx
        .deleteFrom('security_check_states')
        .where((eb) => eb.or([eb('client_id', '=', clientId), eb(sql<string>`substr(client_id, 1, ${clientId.length + 1})`, '=', `${clientId} `)]))
        .where('check_name', '=', 'PinCode')
        .execute();
      await recordChange(trx, 'client', clientId);
      return { ...fromRow(row), pinDigest, updatedAt: now };
    });
  }

  async delete(clientId: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx.deleteFrom('clients').where('client_id', '=', clientId).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) return false;
      await trx
        .deleteFrom('security_check_states')
        .where((eb) => eb.or([eb('client_id', '=', clientId), eb(sql<string>`substr(client_id, 1, ${clientId.length + 1})`, '=', `${clientId} `)]))
        .execute();
      await recordChange(trx, 'client', clientId);
      return true;
    });
  }
}
