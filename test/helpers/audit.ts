import { expect } from 'vitest';
import type { TestServer } from './test-server.js';

/** One event as `GET /admin/api/audit` answers it. */
export interface AuditJson {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  outcome: 'success' | 'failure';
  status: number | null;
  reason: string | null;
  client_id: string | null;
  source_address: string | null;
  grant_type: string | null;
  subject: string | null;
  scope: string | null;
  jti: string | null;
  expires_at: string | null;
}

export interface AuditPage {
  events: AuditJson[];
  total: number;
  limit: number;
  offset: number;
}

/** A page of the audit log through the admin API; fails the test unless it answers 200. */
export async function auditPage(server: TestServer, query: Record<string, string> = {}): Promise<AuditPage> {
  const response = await server.admin('GET', `/audit?${new URLSearchParams(query).toString()}`);
  expect(response.status).toBe(200);
  return (await response.json()) as AuditPage;
}
