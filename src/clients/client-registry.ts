import { createPrivateKey, type JsonWebKey } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { FieldValidationError, NotFoundError } from '../shared/errors.js';
import { newClientId } from './client-id.js';
import { parseClientPublicKey, type ClientKeyAlg } from './client-keys.js';
import type { SecretDigester } from '../keys/secret-digest.js';
import { generateSecret } from '../keys/secret-digest.js';
import type { ClientListQuery, ClientsStore } from './clients-store.js';
import { DEFAULT_ACCESS_TOKEN_LIFETIME, isPublicClient, type Client } from './client.js';
import { parsePin, pinDigestInput } from './client-pin.js';
import { applyClientChanges, ClientValidationError, defaultClient, parseAdminSecret, type ClientChanges } from './client-metadata.js';
import { checkAccessTokenLifetime } from './client-values.js';

export class ClientNotFoundError extends NotFoundError {
  constructor(readonly clientId: string) {
    super(`no client with id '${clientId}'`);
    this.name = 'ClientNotFoundError';
  }
}

export class ClientKeyNotFoundError extends NotFoundError {
  constructor(readonly kid: string) {
    super(`the client has no key '${kid}'`);
    this.name = 'ClientKeyNotFoundError';
  }
}

/** Keys a client may hold at once. */
const MAX_KEYS = 20;

export interface SecretRotation {
  client: Client;
  clientSecret: string;
  /** Epoch ms until which the previous secret still works; null when it stopped at once. */
  previousSecretExpiresAt: number | null;
}

export { checkAccessTokenLifetime } from './client-values.js';

/**
 * Registering and changing clients: the one place that the admin API, the console and the CLI share.
 * `afterChange` lets the running server refresh its caches at once; `maxTokenLifetime` is the server's
 * maximum access-token lifetime (config maxTokenLifetime), above which a client's own lifetime is refused.
 */
export class ClientRegistry {
  constructor(
    private readonly repository: ClientsStore,
    private readonly digester: SecretDigester,
    private readonly defaultGraceSeconds: () => number,
    private readonly afterChange: () => Promise<void> = () => Promise.resolve(),
    private readonly maxTokenLifetime: () => number = () => Number.POSITIVE_INFINITY,
  ) {}

  /** Creates a client; its secret is shown once (null for a public client, which has none). */
  async create(changes: ClientChanges): Promise<{ client: Client; clientSecret: string | null }> {
    const now = Date.now();
    const clientId = changes.clientId ?? newClientId();
    const client = applyClientChanges(defaultClient(clientId, now), this.withLifetime(changes), now);
    const clientSecret = isPublicClient(client) ? null : (changes.clientSecret ?? generateSecret());
    client.secretDigest = clientSecret === null ? null : this.digester.digest(clientSecret);
    await this.repository.insert(client);
    await this.afterChange();
    return { client, clientSecret };
  }

  /** Registers a client that registered itself (RFC 7591: an app instance or a code-flow client): it has no secret at all. */
  async registerInstance(changes: ClientChanges): Promise<Client> {
    const now = Date.now();
    const client = applyClientChanges(defaultClient(newClientId(), now), this.withLifetime(changes), now);
    await this.repository.insert(client);
    await this.afterChange();
    return client;
  }

  /**
   * The changes of a new client, its lifetime checked against the server's maximum; a client that sets none
   * gets the default lifetime, or the server's maximum when that is lower (so that what is saved is what applies).
   */
  private withLifetime(changes: ClientChanges): ClientChanges {
    const maximum = this.maxTokenLifetime();
    checkAccessTokenLifetime(changes.accessTokenLifetime, maximum);
    return changes.accessTokenLifetime === undefined && DEFAULT_ACCESS_TOKEN_LIFETIME > maximum ? { ...changes, accessTokenLifetime: maximum } : changes;
  }

  async get(clientId: string): Promise<Client> {
    const client = await this.repository.get(clientId);
    if (!client) throw new ClientNotFoundError(clientId);
    return client;
  }

  list(query: ClientListQuery): Promise<{ clients: Client[]; total: number }> {
    return this.repository.list(query);
  }

  async update(clientId: string, changes: ClientChanges): Promise<Client> {
    if (changes.clientId !== undefined && changes.clientId !== clientId) {
      throw new ClientValidationError('client_id', 'cannot be changed');
    }
    // Only a lifetime being set is checked: a client saved before the operator lowered the maximum keeps its
    // value (its tokens are capped at issue time, and the server warns about it at start).
    checkAccessTokenLifetime(changes.accessTokenLifetime, this.maxTokenLifetime());
    const now = Date.now();
    const updated = await this.repository.update(clientId, (current) => applyClientChanges(current, changes, now));
    if (!updated) throw new ClientNotFoundError(clientId);
    await this.afterChange();
    return updated;
  }

  /**
   * Gives the client a new secret. The previous one keeps working for `graceSeconds`
   * (default: the configured grace period; 0 stops it at once).
   */
  async rotateSecret(clientId: string, options: { clientSecret?: string | undefined; graceSeconds?: number | undefined } = {}): Promise<SecretRotation> {
    const current = await this.get(clientId);
    if (isPublicClient(current)) throw new ClientValidationError('token_endpoint_auth_method', "a public client (token_endpoint_auth_method 'none') has no secret to rotate");
    const clientSecret = options.clientSecret === undefined ? generateSecret() : parseAdminSecret(options.clientSecret, 'client_secret');
    const grace = options.graceSeconds ?? this.defaultGraceSeconds();
    const now = Date.now();
    const previousSecretExpiresAt = grace > 0 ? now + grace * 1000 : null;
    const updated = await this.repository.update(clientId, (current) => ({
      ...current,
      secretDigest: this.digester.digest(clientSecret),
      previousSecretDigest: grace > 0 ? current.secretDigest : null,
      previousSecretExpiresAt,
      updatedAt: now,
    }));
    if (!updated) throw new ClientNotFoundError(clientId);
    await this.afterChange();
    return { client: updated, clientSecret, previousSecretExpiresAt };
  }

  /** Registers a public key (JWK, PEM or OpenSSH line) on the client; returns the stored public JWK. */
  async addKey(clientId: string, key: unknown, options: { kid?: string | undefined; alg?: string | undefined } = {}): Promise<JWK> {
    const jwk = await parseClientPublicKey(key, options);
    await this.changeKeys(clientId, (keys) => {
      if (keys.some((existing) => existing.kid === jwk.kid)) throw new FieldValidationError('kid', `the client already has a key '${String(jwk.kid)}'`);
      if (keys.length >= MAX_KEYS) throw new FieldValidationError('key', `a client holds at most ${MAX_KEYS} keys`);
      return [...keys, jwk];
    });
    return jwk;
  }

  /** Generates a key pair, keeps the public half, and returns the private key as PKCS#8 PEM (shown once). */
  async generateKey(clientId: string, alg: ClientKeyAlg = 'ES256', kid?: string): Promise<{ jwk: JWK; privateKeyPem: string }> {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' || alg === 'PS256' ? { modulusLength: 3072 } : {}) });
    const jwk = await this.addKey(clientId, await exportJWK(publicKey), { alg, kid });
    const privateKeyPem = createPrivateKey({ key: (await exportJWK(privateKey)) as JsonWebKey, format: 'jwk' })
      .export({ type: 'pkcs8', format: 'pem' })
      .toString();
    return { jwk, privateKeyPem };
  }

  async removeKey(clientId: string, kid: string): Promise<void> {
    await this.changeKeys(clientId, (keys) => {
      if (!keys.some((key) => key.kid === kid)) throw new ClientKeyNotFoundError(kid);
      return keys.filter((key) => key.kid !== kid);
    });
  }

  private async changeKeys(clientId: string, change: (keys: JWK[]) => JWK[]): Promise<void> {
    const now = Date.now();
    const updated = await this.repository.update(clientId, (current) => {
      const keys = change([...(current.jwks?.keys ?? [])]);
      return { ...current, jwks: keys.length === 0 ? null : { keys }, updatedAt: now };
    });
    if (!updated) throw new ClientNotFoundError(clientId);
    await this.afterChange();
  }

  /** Sets (or with null removes) the client's PIN for the PinCode check, stored only as a keyed digest; restarts the check. */
  async setPin(clientId: string, pin: string | null): Promise<Client> {
    const now = Date.now();
    const pinDigest = pin === null ? null : this.digester.digest(pinDigestInput(clientId, parsePin(pin)));
    const updated = await this.repository.setPin(clientId, pinDigest, now);
    if (!updated) throw new ClientNotFoundError(clientId);
    await this.afterChange();
    return updated;
  }

  async delete(clientId: string): Promise<void> {
    const deleted = await this.repository.delete(clientId);
    if (!deleted) throw new ClientNotFoundError(clientId);
    await this.afterChange();
  }
}
