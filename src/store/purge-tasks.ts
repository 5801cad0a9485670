import type { Kysely } from 'kysely';
import { AppTokenLaunchesRepository } from './app-token-launches-repository.js';
import { AdminSessionsRepository } from './admin-sessions-repository.js';
import { AttemptCountersRepository } from './attempt-counters-repository.js';
import { AuthorizationCodesRepository, EXPIRED_CODE_RETENTION_MS } from './authorization-codes-repository.js';
import { BrowserSessionsRepository, ENDED_SESSION_RETENTION_MS } from './browser-sessions-repository.js';
import { ChangeEventsRepository } from './change-events-repository.js';
import { CheckStatesRepository } from './check-states-repository.js';
import { InteractionsRepository } from './interactions-repository.js';
import { PushedRequestsRepository } from './pushed-requests-repository.js';
import { RefreshTokensRepository } from './refresh-tokens-repository.js';
import { RevocationsRepository } from './revocations-repository.js';
import type { Database } from './schema.js';
import { UsedAssertionsRepository } from './used-assertions-repository.js';
import { purgeAuditEventsBefore } from './audit-events-repository.js';

/**
 * One kind of row housekeeping deletes. `purgeBatch` deletes at most `limit` rows that are no longer
 * needed at `now` and returns how many it deleted; housekeeping calls it until it deletes fewer.
 */
export interface PurgeTask {
  name: string;
  purgeBatch(db: Kysely<Database>, now: number, limit: number): Promise<number>;
}

export interface PurgeRetention {
  /** Change events older than this have been read by every running instance, ms. */
  changeEventsMs: number;
  /** Rotated refresh tokens are kept this long for reuse detection (unless they expire first), ms. */
  usedRefreshTokensMs: number;
  /** Console sessions idle for longer than this are over, ms. */
  adminSessionIdleMs: number;
  /** Audit events older than this are deleted, ms; 0: kept forever. */
  auditEventsMs: number;
}

/** Everything Gatehouse purges; a new table with rows that expire is one more entry. */
export function purgeTasks(retention: PurgeRetention): PurgeTask[] {
  return [
    { name: 'revoked_tokens', purgeBatch: (db, now, limit) => new RevocationsRepository(db).purgeExpired(now, limit) },
    { name: 'revoked_grants', purgeBatch: (db, now, limit) => new RevocationsRepository(db).purgeExpiredGrants(now, limit) },
    { name: 'used_assertions', purgeBatch: (db, now, limit) => new UsedAssertionsRepository(db).purgeExpired(now, limit) },
    { name: 'refresh_tokens (expired)', purgeBatch: (db, now, limit) => new RefreshTokensRepository(db).purgeExpired(now, limit) },
    {
      name: 'refresh_tokens (used)',
      purgeBatch: (db, now, limit) => new RefreshTokensRepository(db).purgeUsedBefore(now - retention.usedRefreshTokensMs, limit),
    },
    { name: 'change_events', purgeBatch: (db, now, limit) => new ChangeEventsRepository(db).purgeBefore(now - retention.changeEventsMs, limit) },
    { name: 'admin_sessions', purgeBatch: (db, now, limit) => new AdminSessionsRepository(db).purgeExpired(now, retention.adminSessionIdleMs, limit) },
    { name: 'attempt_counters', purgeBatch: (db, now, limit) => new AttemptCountersRepository(db).purgeEnded(now, limit) },
    { name: 'security_check_states', purgeBatch: (db, now, limit) => new CheckStatesRepository(db).purgeSettled(now, limit) },
    { name: 'sign_in_interactions', purgeBatch: (db, now, limit) => new InteractionsRepository(db).purgeExpired(now, limit) },
    { name: 'authorization_codes', purgeBatch: (db, now, limit) => new AuthorizationCodesRepository(db).purgeExpiredBefore(now - EXPIRED_CODE_RETENTION_MS, limit) },
    { name: 'pushed_authorization_requests', purgeBatch: (db, now, limit) => new PushedRequestsRepository(db).purgeExpired(now, limit) },
    { name: 'app_token_launches', purgeBatch: (db, now, limit) => new AppTokenLaunchesRepository(db).purgeExpired(now, limit) },
    { name: 'browser_sessions', purgeBatch: (db, now, limit) => new BrowserSessionsRepository(db).purgeOver(now, now - ENDED_SESSION_RETENTION_MS, limit) },
    ...(retention.auditEventsMs > 0
      ? [{ name: 'audit_events', purgeBatch: (db: Kysely<Database>, now: number, limit: number) => purgeAuditEventsBefore(db, now - retention.auditEventsMs, limit) }]
      : []),
  ];
}
