import { KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partsOf, startAttackTargets, type AttackTargets } from './attack-targets.js';

// RFC 8725 §3.10 and RFC 7515 §4.1.2-4.1.6: `jku`, `x5u`, `jwk` and `x5c` in a token's header name a key
// the attacker chose. They must never be fetched or trusted: keys come from Gatehouse's own key set (and
// the client registry) only. A server the attacker controls counts every fetch.
describe('attack: jku, x5u, jwk and x5c headers', () => {
  let targets: AttackTargets;
  let attackerServer: Server;
  let attackerUrl: string;
  let fetches = 0;
  let attackerJwk: JWK;
  let attackerKey: CryptoKey;

  beforeAll(async () => {
    targets = await startAttackTargets();
    const pair = await generateKeyPair('ES256');
    attackerKey = pair.privateKey;
    attackerJwk = { ...(await exportJWK(pair.publicKey)), kid: 'attacker', alg: 'ES256', use: 'sig' };
    attackerServer = createServer((_request, response) => {
      fetches += 1;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [attackerJwk] }));
    });
    await new Promise<void>((resolve) => attackerServer.listen(0, '127.0.0.1', resolve));
    attackerUrl = `http://127.0.0.1:${(attackerServer.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(async () => {
    await targets.close();
    await new Promise((resolve) => attackerServer.close(resolve));
  });

  function headersToTry(genuineKid: unknown): Record<string, unknown>[] {
    const x5c = ['MIIBszCCAVmgAwIBAgIUattacker'];
    return [
      { kid: 'attacker', jku: attackerUrl },
      { kid: genuineKid, jku: attackerUrl },
      { kid: 'attacker', x5u: attackerUrl },
      { kid: 'attacker', jwk: attackerJwk },
      { kid: genuineKid, jwk: attackerJwk },
      { jwk: attackerJwk },
      { kid: 'attacker', x5c },
    ];
  }

  it('refuses access tokens signed with a key named in the header, and fetches nothing', async () => {
    const { header, payload } = partsOf(await targets.validToken());
    for (const extra of headersToTry(header.kid)) {
      const { kid: _kid, ...base } = header;
      const forged = await new SignJWT(payload).setProtectedHeader({ ...base, ...extra } as { alg: string }).sign(attackerKey);
      await targets.expectAccessTokenRefused(forged);
    }
    expect(fetches).toBe(0);
  });

  it('refuses client assertions signed with a key named in the header, and fetches nothing', async () => {
    for (const extra of headersToTry(targets.keyClient.kid)) {
      // Without a kid of its own the header must not inherit the registered one.
      const header = { kid: undefined, ...extra };
      await targets.expectAssertionRefused(await targets.clientAssertion({ header, key: KeyObject.from(attackerKey) }));
    }
    expect(fetches).toBe(0);
  });
});
