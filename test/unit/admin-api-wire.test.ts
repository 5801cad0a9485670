import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type Rollup } from 'vite';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as wire from '../../src/admin-api/wire.js';
import { loadConfig } from '../../src/config/load-config.js';
import { builtInChecks } from '../../src/security/checks/built-in-checks.js';
import { RESERVED_SCOPES } from '../../src/protected-apis/commands/command-registry.js';
import { USERS_SCOPE } from '../../src/protected-apis/gatehouse-resources.js';
import { CLIENT_KEY_ALGS } from '../../src/clients/client-keys.js';
import type { ClientKeyAlgorithm } from '../../src/client-sdk/index.js';

const WIRE = fileURLToPath(new URL('../../src/admin-api/wire.ts', import.meta.url));
const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

describe("the admin API's wire module", () => {
  it('gives the constants the server itself uses', () => {
    const checks = builtInChecks(loadConfig({ env: {} }), { passwordSignIn: {} as never, digester: {} as never, directory: {} as never });
    expect(checks.map((check) => check.name)).toEqual([...wire.BUILT_IN_CHECKS]);
    expect(wire.RESERVED_SCOPES).toBe(RESERVED_SCOPES);
    expect(wire.RESERVED_SCOPES).toEqual(['users', 'commands', 'offline_access', 'roles']);
    expect(wire.USERS_SCOPE).toBe(USERS_SCOPE);
    expect(wire.CLIENT_KEY_ALGS).toBe(CLIENT_KEY_ALGS);
    expect(wire.GRANT_TYPES).toEqual(['client_credentials', 'password', 'authorization_code']);
    expect(wire.MAX_ACCESS_TOKEN_LIFETIME).toBe(99_999_999);
  });

  it("matches the SDK's key algorithms (checked by tsc: the SDK's types do not import server modules)", () => {
    expectTypeOf<ClientKeyAlgorithm>().toEqualTypeOf<wire.ClientKeyAlg>();
  });

  it('bundles for the browser (the console) without any Node.js built-in or the key library (jose)', async () => {
    const result = await build({
      configFile: false,
      logLevel: 'silent',
      plugins: [
        {
          name: 'refuse-node-builtins',
          enforce: 'pre',
          resolveId(source) {
            // Every value import of the wire module's graph comes here (type-only imports are erased first).
            if (source.startsWith('node:') || BUILTINS.has(source) || source === 'jose' || source.startsWith('jose/')) throw new Error(`the wire module reaches ${source}`);
            return null;
          },
        },
      ],
      build: { write: false, minify: false, lib: { entry: WIRE, formats: ['es'], fileName: 'wire' } },
    });
    const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[];
    const code = outputs
      .flatMap((output) => output.output)
      .map((item) => (item.type === 'chunk' ? item.code : ''))
      .join('\n');
    expect(code).toContain('99999999');
    expect(code).toContain('AllowedNetwork');
    // The rules the console checks its forms with are the server's own functions.
    for (const name of ['parseProfileBody', 'parseBrandingInput', 'parseTokenDeliveryChanges', 'parseClientName', 'parseOrigins']) expect(code).toContain(`function ${name}(`);
    expect(code).not.toMatch(/\bimport\s*[^;]*from\s*['"]/);
  });
});
