import { describe, expect, it } from 'vitest';
import { discoverMetadata, discoverOpenIdConfiguration, metadataUrl, openIdConfigurationUrl } from '../../../src/client-sdk/discovery.js';
import { GatehouseResponseError } from '../../../src/client-sdk/errors.js';

const answering =
  (status: number, body: string): typeof fetch =>
  async () =>
    new Response(body, { status, headers: { 'content-type': 'application/json' } });

describe('metadata discovery', () => {
  it('puts the well-known suffix between the host and the issuer path (RFC 8414 §3.1)', () => {
    expect(metadataUrl('https://auth.example.com')).toBe('https://auth.example.com/.well-known/oauth-authorization-server');
    expect(metadataUrl('https://auth.example.com/')).toBe('https://auth.example.com/.well-known/oauth-authorization-server');
    expect(metadataUrl('https://example.com/tenant/a/')).toBe('https://example.com/.well-known/oauth-authorization-server/tenant/a');
  });

  it('refuses documents of another issuer, without a token endpoint, or not JSON', async () => {
    const issuer = 'https://auth.example.com';
    await expect(discoverMetadata(issuer, answering(200, JSON.stringify({ issuer: 'https://evil.example', token_endpoint: 'https://evil.example/t' })))).rejects.toThrow(
      /issuer https:\/\/evil.example/,
    );
    await expect(discoverMetadata(issuer, answering(200, JSON.stringify({ issuer })))).rejects.toBeInstanceOf(GatehouseResponseError);
    await expect(discoverMetadata(issuer, answering(200, '<html>'))).rejects.toThrow(/not JSON/);
    await expect(discoverMetadata(issuer, answering(503, '{}'))).rejects.toMatchObject({ status: 503 });
    expect(await discoverMetadata(`${issuer}/`, answering(200, JSON.stringify({ issuer, token_endpoint: `${issuer}/oauth/token` })))).toMatchObject({ token_endpoint: `${issuer}/oauth/token` });
  });
});

describe('OpenID Connect discovery', () => {
  it('appends the well-known suffix to the issuer (OIDC Discovery §4) and checks the document as RFC 8414 metadata', async () => {
    expect(openIdConfigurationUrl('https://auth.example.com/')).toBe('https://auth.example.com/.well-known/openid-configuration');
    expect(openIdConfigurationUrl('https://example.com/tenant/a')).toBe('https://example.com/tenant/a/.well-known/openid-configuration');
    const issuer = 'https://auth.example.com';
    const asked: string[] = [];
    const answer: typeof fetch = async (input) => {
      asked.push(input instanceof Request ? input.url : input.toString());
      return new Response(JSON.stringify({ issuer, token_endpoint: `${issuer}/oauth/token`, end_session_endpoint: `${issuer}/oauth/logout` }));
    };
    expect(await discoverOpenIdConfiguration(issuer, answer)).toMatchObject({ end_session_endpoint: `${issuer}/oauth/logout` });
    expect(asked).toEqual([`${issuer}/.well-known/openid-configuration`]);
    await expect(discoverOpenIdConfiguration(issuer, answering(200, JSON.stringify({ issuer: 'https://evil.example', token_endpoint: 'x' })))).rejects.toThrow(/evil/);
  });
});
