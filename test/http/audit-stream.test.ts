import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { basicAuth, postForm, startTestServer } from '../helpers/test-server.js';

interface StreamedEvent {
  at: string;
  actor: string;
  action: string;
  outcome: string;
  client_id: string | null;
  jti: string | null;
}

/** GATEHOUSE_AUDIT_STREAM: every audit event is also appended to a file as one JSON line, without secrets. */
describe('the audit stream', () => {
  const folder = mkdtempSync(join(tmpdir(), 'gatehouse-audit-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('appends administrative changes, issued tokens and refused token requests as JSON lines, mode 0600, no secrets', async () => {
    const file = join(folder, 'audit.jsonl');
    const server = await startTestServer({ store: 'sqlite', config: { auditStream: file } });
    let secret = '';
    let accessToken = '';
    try {
      const client = await server.createClient({ client_id: 'streamed', client_name: 'streamed' });
      secret = client.client_secret;
      const refused = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('streamed', 'not-the-secret-0123456789') });
      expect(refused.status).toBe(401);
      const issued = await postForm(`${server.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('streamed', secret) });
      expect(issued.status).toBe(200);
      accessToken = ((await issued.json()) as { access_token: string }).access_token;
    } finally {
      await server.close();
    }
    const text = readFileSync(file, 'utf8');
    const events = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as StreamedEvent);
    expect(events).toEqual([
      expect.objectContaining({ actor: 'admin-token', action: 'client.create', outcome: 'success' }),
      expect.objectContaining({ actor: 'client', action: 'token.refused', outcome: 'failure', client_id: 'streamed' }),
      expect.objectContaining({ actor: 'client', action: 'token.issued', outcome: 'success', client_id: 'streamed', grant_type: 'client_credentials', subject: 'streamed' }),
    ]);
    const { jti } = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString()) as { jti: string };
    expect(events[2]?.jti).toBe(jti);
    expect(text).not.toContain(accessToken.split('.')[2]);
    expect(text).not.toContain(secret);
    expect(text).not.toContain('not-the-secret');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
