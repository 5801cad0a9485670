import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import { clientUnusableReason, isPublicClient, type Client } from '../../clients/client.js';
import type { ClientDirectory } from '../../clients/client-directory.js';
import type { SecretDigester } from '../../keys/secret-digest.js';
import type { FormParams } from '../form-params.js';
import { invalidRequest, OAuthError } from '../oauth-error.js';
import type { ClientAssertionVerifier } from './private-key-jwt.js';
import { formDecode } from '../claimed-client.js';

/** 'none': a public client named by client_id alone, where the endpoint allows it. */
export type ClientAuthMethodUsed = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

export interface AuthenticatedClient {
  client: Client;
  method: ClientAuthMethodUsed;
}

const BASIC_CHALLENGE = { 'WWW-Authenticate': 'Basic realm="gatehouse", charset="UTF-8"' };

function invalidClient(description: string, usedBasic: boolean): OAuthError {
  return new OAuthError(401, 'invalid_client', description, usedBasic ? BASIC_CHALLENGE : {});
}

function readBasic(header: string): { clientId: string; secret: string } | undefined {
  const match = /^Basic +([A-Za-z0-9+/=._~-]+) *$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const clientId = formDecode(decoded.slice(0, colon));
  const secret = formDecode(decoded.slice(colon + 1));
  if (clientId === undefined || secret === undefined || clientId === '') return undefined;
  return { clientId, secret };
}

/**
 * Client authentication at the token, introspection and revocation endpoints (RFC 6749 §2.3):
 * exactly one method per request; unknown, disabled or expired clients and wrong secrets are all
 * `invalid_client`. Reads only the in-memory client directory.
 */
export class ClientAuthenticator {
  constructor(
    private readonly directory: ClientDirectory,
    private readonly digester: SecretDigester,
    private readonly assertions: ClientAssertionVerifier,
    /** Receives one line per failed secret authentication (client id and name, reason; never the secret). */
    private readonly logger?: Pick<Logger, 'info'>,
  ) {}

  /**
   * `allowPublic`: a request that sends no credentials but a client_id names a public client (token and
   * revocation endpoints, RFC 6749 §3.2.1, RFC 7009 §2.1); elsewhere (introspection) public clients are refused.
   */
  async authenticate(headers: IncomingHttpHeaders, params: FormParams, options: { allowPublic?: boolean } = {}): Promise<AuthenticatedClient> {
    const authorization = headers.authorization;
    const postedSecret = params.get('client_secret');
    const postedId = params.get('client_id');
    const assertion = params.get('client_assertion');
    if (assertion !== undefined || params.get('client_assertion_type') !== undefined) {
      if (authorization !== undefined || postedSecret !== undefined) throw invalidRequest('use exactly one client authentication method per request');
      if (assertion === undefined) throw invalidClient('client_assertion is missing', false);
      return { client: await this.assertions.verify(assertion, params.get('client_assertion_type'), postedId), method: 'private_key_jwt' };
    }
    if (authorization !== undefined) {
      if (!/^Basic /i.test(authorization)) throw invalidClient('client authentication must use HTTP Basic or client_secret_post', true);
      if (postedSecret !== undefined) throw invalidRequest('use exactly one client authentication method per request');
      const credentials = readBasic(authorization);
      if (!credentials) throw invalidClient('malformed HTTP Basic credentials', true);
      if (postedId !== undefined && postedId !== credentials.clientId) throw invalidRequest('client_id does not match the HTTP Basic credentials');
      return { client: this.check(credentials.clientId, credentials.secret, true), method: 'client_secret_basic' };
    }
    if (postedSecret !== undefined) {
      if (postedId === undefined) throw invalidClient('client_id is missing', false);
      return { client: this.check(postedId, postedSecret, false), method: 'client_secret_post' };
    }
    if (options.allowPublic === true && postedId !== undefined) return { client: this.publicClient(postedId), method: 'none' };
    throw invalidClient('client authentication is required (HTTP Basic or client_secret_post)', false);
  }

  /** A public client named by its id: it exists, is public, and is usable. */
  private publicClient(clientId: string): Client {
    const client = this.directory.get(clientId);
    if (!client || !isPublicClient(client)) {
      this.logFailure(clientId, client, client ? 'no credentials sent by a confidential client' : 'unknown client');
      throw invalidClient('client authentication is required (HTTP Basic or client_secret_post)', false);
    }
    const unusable = clientUnusableReason(client, Date.now());
    if (unusable) {
      this.logFailure(clientId, client, unusable);
      throw invalidClient(`client authentication failed: ${unusable}`, false);
    }
    return client;
  }

  private check(clientId: string, secret: string, usedBasic: boolean): Client {
    const client = this.directory.get(clientId);
    const now = Date.now();
    // Compute a digest even for unknown clients so that timing does not tell which ids exist.
    const current = this.digester.matches(secret, client?.secretDigest ?? null);
    const previous =
      client?.previousSecretDigest != null && client.previousSecretExpiresAt !== null && client.previousSecretExpiresAt > now ? this.digester.matches(secret, client.previousSecretDigest) : false;
    if (!client || !(current || previous)) {
      this.logFailure(clientId, client, client ? 'wrong secret' : 'unknown client');
      throw invalidClient('client authentication failed', usedBasic);
    }
    if (client.tokenEndpointAuthMethod === 'private_key_jwt') {
      this.logFailure(clientId, client, 'secret used by a private_key_jwt client');
      throw invalidClient('this client authenticates with private_key_jwt', usedBasic);
    }
    const unusable = clientUnusableReason(client, now);
    if (unusable) {
      this.logFailure(clientId, client, unusable);
      throw invalidClient(`client authentication failed: ${unusable}`, usedBasic);
    }
    return client;
  }

  private logFailure(clientId: string, client: Client | undefined, reason: string): void {
    // The presented id is the caller's input: bounded, and logged as a JSON string (no line forging).
    this.logger?.info({ clientId: clientId.slice(0, 255), clientName: client?.clientName, reason }, 'client authentication failed');
  }
}
