/**
 * The benchmark peer: oidc-provider with one confidential client (client_secret_basic, client_credentials),
 * an ES256 signing key, and a resource server whose access tokens are RFC 9068 JWTs (resource indicators).
 * `PORT` chooses the port; the client is in peer-client.ts.
 * Run: `node --import tsx bench/peer/oidc-provider.ts`.
 */
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { errors } from 'oidc-provider';
import { PEER_CLIENT_ID, PEER_CLIENT_SECRET, PEER_RESOURCE, PEER_SCOPE } from './peer-client.js';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 0);
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'bench-es256', alg: 'ES256', use: 'sig' };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: PEER_CLIENT_ID,
        client_secret: PEER_CLIENT_SECRET,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: PEER_SCOPE,
        id_token_signed_response_alg: 'ES256',
      },
    ],
    scopes: [PEER_SCOPE],
    jwks: { keys: [signingKey] },
    enabledJWA: { idTokenSigningAlgValues: ['ES256'] },
    ttl: { ClientCredentials: 3600 },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // Like the default policy for confidential clients, without its "you should change this" notice.
      introspection: { enabled: true, allowedPolicy: () => true },
      resourceIndicators: {
        enabled: true,
        // Only a token request that names the resource gets a JWT; without it the token is opaque (introspectable).
        defaultResource: () => undefined,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          if (resource !== PEER_RESOURCE) throw new errors.InvalidTarget(`unknown resource ${resource}`);
          return { scope: PEER_SCOPE, audience: PEER_RESOURCE, accessTokenTTL: 3600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
        },
      },
    },
  });
  const server = createServer(provider.callback());
  server.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer}`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
