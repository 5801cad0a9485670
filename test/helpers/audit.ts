import { expect } from 'vitest';
import type { AuditJson } from '../../src/audit/audit-event.js';
import type { TestServer } from './test-server.js';

export type { AuditJson } from '../../src/audit/audit-event.js';

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
