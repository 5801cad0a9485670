import { describe, expect, it } from 'vitest';
import { authorizationServerMetadataUrl, trimIssuer } from '../../src/shared/authorization-server-metadata-url.js';
import { metadataUrl } from '../../src/client-sdk/discovery.js';
import { discover } from '../../src/resource-server/token-checkers.js';

describe('RFC 8414 metadata URL', () => {
  it('puts the well-known suffix between the host and the issuer path (§3.1)', () => {
    expect(authorizationServerMetadataUrl('https://as.example')).toBe('https://as.example/.well-known/oauth-authorization-server');
    expect(authorizationServerMetadataUrl('https://as.example/')).toBe('https://as.example/.well-known/oauth-authorization-server');
    expect(authorizationServerMetadataUrl('https://as.example/tenant1')).toBe('https://as.example/.well-known/oauth-authorization-server/tenant1');
    expect(authorizationServerMetadataUrl('https://as.example/tenant1/')).toBe('https://as.example/.well-known/oauth-authorization-server/tenant1');
    expect(authorizationServerMetadataUrl('http://127.0.0.1:8099/a/b')).toBe('http://127.0.0.1:8099/.well-known/oauth-authorization-server/a/b');
    expect(trimIssuer('https://as.example/tenant1//')).toBe('https://as.example/tenant1');
    expect(() => authorizationServerMetadataUrl('not a url')).toThrow(TypeError);
  });

  it('is the one function the SDK and the resource-server library fetch', async () => {
    for (const issuer of ['https://as.example', 'https://as.example/', 'https://as.example/tenant1', 'https://as.example/tenant1/']) {
      expect(metadataUrl(issuer)).toBe(authorizationServerMetadataUrl(issuer));
      const asked: string[] = [];
      const stub: typeof fetch = async (input) => {
        asked.push(input instanceof Request ? input.url : input.toString());
        return Response.json({ issuer: trimIssuer(issuer) });
      };
      await expect(discover(issuer, stub)).resolves.toEqual({ issuer: trimIssuer(issuer) });
      expect(asked).toEqual([authorizationServerMetadataUrl(issuer)]);
    }
  });
});
