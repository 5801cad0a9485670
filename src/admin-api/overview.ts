import type { AuditBucketCount, AuditCounts } from '../audit/audit-event.js';
import type { AuditAction } from '../audit/audit-actions.js';
import { OVERVIEW_WINDOWS, type OverviewJson, type OverviewSeriesJson, type OverviewWindow } from './wire.js';

export const REFUSAL_ACTIONS = ['token.refused', 'introspection.refused', 'revocation.refused'] as const satisfies readonly AuditAction[];
/** Failed sign-ins: the hosted pages' (password, security check), the console's, and failed admin authentication. */
export const SIGN_IN_FAILURE_ACTIONS = ['sign-in.failed', 'sign-in.check-failed', 'session.sign_in', 'admin.authentication_failed'] as const satisfies readonly AuditAction[];
/** Every action the overview's charts count. */
export const OVERVIEW_ACTIONS: readonly AuditAction[] = ['token.issued', ...REFUSAL_ACTIONS, ...SIGN_IN_FAILURE_ACTIONS];
/** Rows of the reasons and clients lists. */
export const OVERVIEW_TOP = 10;

/** The window's buckets: from the bucket that holds `now - window` to the one that holds `now`, epoch ms. */
export function overviewBuckets(window: OverviewWindow, now: number): { since: number; bucketMs: number; starts: number[] } {
  const { seconds, bucket_seconds } = OVERVIEW_WINDOWS[window];
  const bucketMs = bucket_seconds * 1000;
  const last = now - (now % bucketMs);
  const count = seconds / bucket_seconds;
  const starts = Array.from({ length: count }, (_, index) => last - (count - 1 - index) * bucketMs);
  return { since: starts[0]!, bucketMs, starts };
}

/** One series per name, counts aligned with `starts` (zero where nothing happened), largest total first. */
function seriesOf(rows: readonly AuditBucketCount[], starts: readonly number[], nameOf: (row: AuditBucketCount) => string | undefined): OverviewSeriesJson[] {
  const index = new Map(starts.map((start, position) => [start, position]));
  const byName = new Map<string, number[]>();
  for (const row of rows) {
    const name = nameOf(row);
    const position = index.get(row.bucket);
    if (name === undefined || position === undefined) continue;
    const counts = byName.get(name) ?? starts.map(() => 0);
    counts[position]! += row.count;
    byName.set(name, counts);
  }
  return [...byName].map(([name, counts]) => ({ name, counts, total: counts.reduce((sum, count) => sum + count, 0) })).sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
}

/** The counting part of the overview's answer, from what the store counted. */
export function overviewCounts(counts: AuditCounts, starts: readonly number[]): Pick<OverviewJson, 'tokens_issued' | 'refused' | 'sign_in_failures' | 'refusal_reasons' | 'busiest_clients'> {
  const refusals = new Set<string>(REFUSAL_ACTIONS);
  const signInFailures = new Set<string>(SIGN_IN_FAILURE_ACTIONS);
  return {
    tokens_issued: seriesOf(counts.series, starts, (row) => (row.action === 'token.issued' ? (row.grantType ?? 'unknown') : undefined)),
    refused: seriesOf(counts.series, starts, (row) => (refusals.has(row.action) ? row.action : undefined)),
    // A console sign-in is recorded whatever its outcome: only its failures count here.
    sign_in_failures: seriesOf(counts.series, starts, (row) => (signInFailures.has(row.action) && row.outcome === 'failure' ? row.action : undefined)),
    refusal_reasons: counts.refusalReasons.map((row) => ({ reason: row.reason === '' ? 'unknown' : row.reason, count: row.count })),
    busiest_clients: counts.clients.map((row) => ({ client_id: row.clientId, issued: row.issued, refused: row.refused })),
  };
}
