import type { Kysely } from 'kysely';
import { PURGE_BATCH_SIZE } from './purge-batch.js';
import type { Database, PushedAuthorizationRequestsTable } from './schema.js';
import type { PushedRequest, PushedRequestsStore } from '../sign-in/pushed-request.js';

function fromRow(row: PushedAuthorizationRequestsTable): PushedRequest {
  return {
    requestUriDigest: row.request_uri_digest,
    clientId: row.client_id,
    params: JSON.parse(row.params) as Record<string, string>,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  };
}

/** SQL for pushed_authorization_requests (RFC 9126): each request_uri is taken once. */
export class PushedRequestsRepository implements PushedRequestsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(request: PushedRequest): Promise<void> {
    await this.db
      .insertInto('pushed_authorization_requests')
      .values({
        request_uri_digest: request.requestUriDigest,
        client_id: request.clientId,
        params: JSON.stringify(request.params),
        created_at: request.createdAt,
        expires_at: request.expiresAt,
      })
      .execute();
  }

  /** One DELETE ... RETURNING: of concurrent takes (on any instance) exactly one gets the request. */
  async take(requestUriDigest: string, clientId: string, now: number): Promise<PushedRequest | undefined> {
    const row = await this.db
      .deleteFrom('pushed_authorization_requests')
      .where('request_uri_digest', '=', requestUriDigest)
      .where('client_id', '=', clientId)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  /** Deletes up to `limit` expired requests; returns how many. */
  async purgeExpired(now: number, limit = PURGE_BATCH_SIZE): Promise<number> {
    const result = await this.db
      .deleteFrom('pushed_authorization_requests')
      .where('request_uri_digest', 'in', (eb) => eb.selectFrom('pushed_authorization_requests').select('request_uri_digest').where('expires_at', '<=', now).limit(limit))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
