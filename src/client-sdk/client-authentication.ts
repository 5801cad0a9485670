import { CLIENT_ASSERTION_TYPE, importSigningKey, signClientAssertion, type ClientKeyAlgorithm, type PrivateKeyInput, type AssertionKey } from './private-key-jwt.js';

/** A client that authenticates with its secret: HTTP Basic (default) or in the form body. */
export interface ClientSecretCredentials {
  clientId: string;
  clientSecret: string;
  method?: 'client_secret_basic' | 'client_secret_post';
}

/** A client registered with `private_key_jwt`: signs a fresh assertion for every request. */
export interface PrivateKeyCredentials {
  clientId: string;
  privateKey: PrivateKeyInput;
  kid: string;
  alg?: ClientKeyAlgorithm;
  /** Seconds each assertion is valid (default 60). */
  assertionLifetimeSeconds?: number;
}

export type ClientCredentials = ClientSecretCredentials | PrivateKeyCredentials;

/** UTF-8 safe base64 (btoa only takes Latin-1). */
function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** `Authorization: Basic` for a client: id and secret form-urlencoded first (RFC 6749 §2.3.1). */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${base64(`${encode(clientId)}:${encode(clientSecret)}`)}`;
}

/** Adds a client's authentication to a request to the token (or revocation) endpoint. */
export class CredentialPresenter {
  private signingKey: Promise<AssertionKey> | undefined;

  constructor(
    readonly credentials: ClientCredentials,
    private readonly now: () => number,
  ) {}

  get clientId(): string {
    return this.credentials.clientId;
  }

  /** Sets the header or form parameters; `audience` is the endpoint's URL (for assertions). */
  async apply(audience: string, headers: Headers, form: URLSearchParams): Promise<void> {
    const credentials = this.credentials;
    if ('clientSecret' in credentials) {
      if (credentials.method === 'client_secret_post') {
        form.set('client_id', credentials.clientId);
        form.set('client_secret', credentials.clientSecret);
      } else {
        headers.set('authorization', basicAuthorization(credentials.clientId, credentials.clientSecret));
      }
      return;
    }
    const alg = credentials.alg ?? 'ES256';
    this.signingKey ??= importSigningKey(credentials.privateKey, alg);
    let key: AssertionKey;
    try {
      key = await this.signingKey;
    } catch (error) {
      this.signingKey = undefined; // a later call may try again (the error is the caller's to see now)
      throw error;
    }
    const assertion = await signClientAssertion(key, {
      clientId: credentials.clientId,
      audience,
      kid: credentials.kid,
      alg,
      lifetimeSeconds: credentials.assertionLifetimeSeconds,
      now: this.now,
    });
    form.set('client_id', credentials.clientId);
    form.set('client_assertion_type', CLIENT_ASSERTION_TYPE);
    form.set('client_assertion', assertion);
  }
}
