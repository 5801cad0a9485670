import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { openGatehouse } from '../../src/gatehouse.js';
import { createLogger } from '../../src/server/logger.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { STORES } from '../helpers/test-server.js';

describe.each(STORES)('instances starting together on an empty %s store', (engine) => {
  it('migrate once and create exactly one signing key of each purpose', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-start-'));
    const database = engine === 'postgres' ? await createTestDatabase() : undefined;
    try {
      const config = () =>
        loadConfig({
          env: {},
          overrides: { dataDir, databaseUrl: database?.url, masterSecret: 'dGVzdC1tYXN0ZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY', adminToken: 'concurrent-start-admin-token', logLevel: 'silent' },
        });
      const instances = await Promise.all([0, 1, 2].map(() => openGatehouse(config(), createLogger('silent'))));
      try {
        const kids = instances.map((instance) => instance.keys.status(Date.now()).map((key) => key.kid));
        for (const list of kids) expect(list).toEqual(kids[0]);
        // The access-token key (ES256) and the RS256 key of ID tokens.
        expect(instances[0]?.keys.status(Date.now()).map((key) => key.purpose)).toEqual(['access_token', 'id_token']);
      } finally {
        await Promise.all(instances.map((instance) => instance.close()));
      }
    } finally {
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
