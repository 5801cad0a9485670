// Type tests of the `gatehouse/client` entry point (src/client-sdk/index.ts): the client SDK's options,
// results and errors. Run by `npm run typecheck` (vitest --typecheck.only).
import type { CryptoKey, JWK, KeyObject } from 'jose';
import { describe, expectTypeOf, it } from 'vitest';
import type * as client from '../../src/client-sdk/index.js';
import type * as native from '../../src/client-sdk/native.js';
import type { APP_TOKEN_PATH, ChallengeRoundsExceededError, CLIENT_ASSERTION_TYPE, MissingChallengeHandlerError } from '../../src/client-sdk/index.js';
import {
  BrowserSignIn,
  codeChallengeS256,
  createCodeVerifier,
  basicAuthorization,
  bearerChallenge,
  createClientAssertion,
  discoverMetadata,
  GatehouseClient,
  GatehouseNetworkError,
  GatehouseOAuthError,
  GatehouseResponseError,
  metadataUrl,
  normaliseScope,
  parseWwwAuthenticate,
  requestAppToken,
  scopeElements,
  SecurityCheckFailedError,
  signAppTokenRequest,
  type AccessToken,
  type AppTokenCallOptions,
  type AppTokenRequestOptions,
  type AppTokenResponse,
  type AuthChallenge,
  type AuthorizationServerMetadata,
  type ChallengeContext,
  type ChallengeHandler,
  type ClientAssertionOptions,
  type ClientCredentials,
  type ClientKeyAlgorithm,
  type ClientSecretCredentials,
  type GatehouseClientOptions,
  type GatehouseRequestInit,
  type PrivateKeyCredentials,
  type PrivateKeyInput,
  type ScopeInput,
  type TokenEndpointResponse,
} from '../../src/client-sdk/index.js';

describe('gatehouse/client: exported values', () => {
  it('exports every documented function, class and constant', () => {
    expectTypeOf<
      | 'GatehouseClient'
      | 'basicAuthorization'
      | 'createClientAssertion'
      | 'CLIENT_ASSERTION_TYPE'
      | 'discoverMetadata'
      | 'metadataUrl'
      | 'normaliseScope'
      | 'scopeElements'
      | 'parseWwwAuthenticate'
      | 'bearerChallenge'
      | 'ChallengeRoundsExceededError'
      | 'GatehouseNetworkError'
      | 'GatehouseOAuthError'
      | 'GatehouseResponseError'
      | 'MissingChallengeHandlerError'
      | 'SecurityCheckFailedError'
      | 'APP_TOKEN_PATH'
      | 'requestAppToken'
      | 'signAppTokenRequest'
    >().toExtend<keyof typeof client>();
  });
});

describe('gatehouse/client: GatehouseClient', () => {
  it('is built from an issuer and credentials; the other options are optional', () => {
    expectTypeOf(GatehouseClient).toBeConstructibleWith({ issuer: 'https://auth.example.com', credentials: { clientId: 'app', clientSecret: 's3cret' } });
    expectTypeOf(GatehouseClient).toBeConstructibleWith({
      issuer: 'https://auth.example.com',
      credentials: { clientId: 'app', privateKey: '-----BEGIN PRIVATE KEY-----', kid: 'k1', alg: 'ES256', assertionLifetimeSeconds: 60 },
      user: { username: 'ada', password: 'correct horse' },
      scope: ['orders.read', 'orders.write'],
      renewBeforeSeconds: 30,
      renewBeforeFraction: 0.1,
      maxChallengeRounds: 3,
      fetch,
      now: () => Date.now(),
    });
    expectTypeOf(GatehouseClient).constructorParameters.toEqualTypeOf<[options: GatehouseClientOptions]>();
    expectTypeOf<Pick<GatehouseClientOptions, 'issuer' | 'credentials' | 'user' | 'scope' | 'fetch' | 'now'>>().toEqualTypeOf<{
      issuer: string;
      credentials: ClientCredentials;
      user?: { username: string; password: string };
      scope?: ScopeInput;
      fetch?: typeof fetch;
      now?: () => number;
    }>();
    // @ts-expect-error: credentials are required
    new GatehouseClient({ issuer: 'https://auth.example.com' });
  });

  it('gets tokens, sends requests and manages its cache', () => {
    expectTypeOf<GatehouseClient['clientId']>().toEqualTypeOf<string>();
    expectTypeOf<GatehouseClient['getToken']>().toEqualTypeOf<(scope?: ScopeInput) => Promise<string>>();
    expectTypeOf<GatehouseClient['getAccessToken']>().toEqualTypeOf<(scope?: ScopeInput) => Promise<AccessToken>>();
    expectTypeOf<GatehouseClient['request']>().toEqualTypeOf<(input: string | URL | Request, init?: GatehouseRequestInit) => Promise<Response>>();
    expectTypeOf<GatehouseClient['metadata']>().toEqualTypeOf<() => Promise<AuthorizationServerMetadata>>();
    expectTypeOf<GatehouseClient['invalidateToken']>().toEqualTypeOf<(scope?: ScopeInput, token?: string) => void>();
    expectTypeOf<GatehouseClient['clearTokens']>().toEqualTypeOf<() => void>();
    expectTypeOf<GatehouseClient['revokeTokens']>().toEqualTypeOf<() => Promise<void>>();
    expectTypeOf<GatehouseRequestInit>().toEqualTypeOf<RequestInit & { scope?: ScopeInput }>();
    expectTypeOf<AccessToken>().toEqualTypeOf<{ accessToken: string; scope: string; expiresAt: number | undefined }>();
  });

  it('registers typed challenge handlers and returns a function that removes them', () => {
    const gatehouse = new GatehouseClient({ issuer: 'https://auth.example.com', credentials: { clientId: 'app', clientSecret: 's' } });
    const remove = gatehouse.registerChallengeHandler<{ digits: number }, { pin: string }>('Pin', (challenge, context) => {
      expectTypeOf(challenge).toEqualTypeOf<{ digits: number }>();
      expectTypeOf(context).toEqualTypeOf<ChallengeContext>();
      return { pin: '0'.repeat(challenge.digits) };
    });
    expectTypeOf(remove).toEqualTypeOf<() => void>();
    expectTypeOf<ChallengeContext>().toEqualTypeOf<{ check: string; scope: string; round: number }>();
    expectTypeOf<ChallengeHandler<string, number>>().toEqualTypeOf<(challenge: string, context: ChallengeContext) => number | Promise<number>>();
  });
});

describe('gatehouse/client: credentials and assertions', () => {
  it('credentials are a secret or a private key', () => {
    expectTypeOf<ClientCredentials>().toEqualTypeOf<ClientSecretCredentials | PrivateKeyCredentials>();
    expectTypeOf<ClientSecretCredentials>().toEqualTypeOf<{ clientId: string; clientSecret: string; method?: 'client_secret_basic' | 'client_secret_post' }>();
    expectTypeOf<PrivateKeyCredentials>().toEqualTypeOf<{ clientId: string; privateKey: PrivateKeyInput; kid: string; alg?: ClientKeyAlgorithm; assertionLifetimeSeconds?: number }>();
    expectTypeOf<ClientKeyAlgorithm>().toEqualTypeOf<'ES256' | 'EdDSA' | 'RS256' | 'PS256'>();
    expectTypeOf<PrivateKeyInput>().toEqualTypeOf<string | CryptoKey | KeyObject | JWK>();
  });

  it('basicAuthorization and createClientAssertion', () => {
    expectTypeOf(basicAuthorization).toEqualTypeOf<(clientId: string, clientSecret: string) => string>();
    expectTypeOf(createClientAssertion).parameters.toEqualTypeOf<[options: ClientAssertionOptions]>();
    expectTypeOf(createClientAssertion).returns.toEqualTypeOf<Promise<string>>();
    expectTypeOf(createClientAssertion).toBeCallableWith({ clientId: 'app', audience: 'https://auth.example.com/oauth/token', privateKey: '-----BEGIN PRIVATE KEY-----', kid: 'k1' });
    expectTypeOf<ClientAssertionOptions>().toEqualTypeOf<{
      clientId: string;
      audience: string;
      privateKey: PrivateKeyInput;
      kid: string;
      alg?: ClientKeyAlgorithm;
      lifetimeSeconds?: number;
      now?: () => number;
    }>();
    expectTypeOf<typeof CLIENT_ASSERTION_TYPE>().toEqualTypeOf<'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'>();
  });
});

describe('gatehouse/client: discovery, scope and WWW-Authenticate', () => {
  it('discoverMetadata and metadataUrl', () => {
    expectTypeOf(discoverMetadata).toBeCallableWith('https://auth.example.com', fetch);
    expectTypeOf(discoverMetadata).returns.toEqualTypeOf<Promise<AuthorizationServerMetadata>>();
    expectTypeOf(metadataUrl).toEqualTypeOf<(issuer: string) => string>();
    expectTypeOf<Pick<AuthorizationServerMetadata, 'issuer' | 'token_endpoint' | 'revocation_endpoint' | 'introspection_endpoint' | 'jwks_uri'>>().toEqualTypeOf<{
      issuer: string;
      token_endpoint: string;
      revocation_endpoint?: string;
      introspection_endpoint?: string;
      jwks_uri?: string;
    }>();
    expectTypeOf<AuthorizationServerMetadata['something_else']>().toEqualTypeOf<unknown>();
  });

  it('scope helpers take a string or a list', () => {
    expectTypeOf<ScopeInput>().toEqualTypeOf<string | readonly string[] | undefined>();
    expectTypeOf(normaliseScope).toEqualTypeOf<(scope: ScopeInput) => string>();
    expectTypeOf(scopeElements).toEqualTypeOf<(scope: ScopeInput) => string[]>();
  });

  it('WWW-Authenticate parsing', () => {
    expectTypeOf(parseWwwAuthenticate).toEqualTypeOf<(header: string) => AuthChallenge[]>();
    expectTypeOf(bearerChallenge).toEqualTypeOf<(header: string | null) => AuthChallenge | undefined>();
    expectTypeOf<AuthChallenge>().toEqualTypeOf<{ scheme: string; params: Record<string, string>; token68?: string }>();
  });

  it('TokenEndpointResponse (deprecated: nothing returns it) is the RFC 6749 §5.1 answer', () => {
    expectTypeOf<TokenEndpointResponse>().toEqualTypeOf<{ access_token: string; token_type: string; expires_in?: number; scope?: string; refresh_token?: string }>();
  });
});

describe('gatehouse/client: errors', () => {
  it('OAuth errors share one base class with the RFC 6749 error code and the HTTP status', () => {
    expectTypeOf<GatehouseOAuthError>().toExtend<Error>();
    expectTypeOf(GatehouseOAuthError).toBeConstructibleWith('invalid_client', undefined, 401);
    expectTypeOf<Pick<GatehouseOAuthError, 'error' | 'errorDescription' | 'status'>>().toEqualTypeOf<{
      readonly error: string;
      readonly errorDescription: string | undefined;
      readonly status: number;
    }>();
    expectTypeOf<MissingChallengeHandlerError>().toExtend<GatehouseOAuthError>();
    expectTypeOf<SecurityCheckFailedError>().toExtend<GatehouseOAuthError>();
    expectTypeOf<ChallengeRoundsExceededError>().toExtend<GatehouseOAuthError>();
  });

  it('each challenge error says which check', () => {
    expectTypeOf<Pick<MissingChallengeHandlerError, 'check' | 'challenge'>>().toEqualTypeOf<{ readonly check: string; readonly challenge: unknown }>();
    expectTypeOf<Pick<SecurityCheckFailedError, 'check' | 'blockedUntil'>>().toEqualTypeOf<{ readonly check: string | undefined; readonly blockedUntil: Date | undefined }>();
    expectTypeOf<Pick<ChallengeRoundsExceededError, 'checks' | 'rounds'>>().toEqualTypeOf<{ readonly checks: string[]; readonly rounds: number }>();
  });

  it('GatehouseResponseError is not an OAuth error', () => {
    expectTypeOf<GatehouseResponseError>().toExtend<Error>();
    expectTypeOf<GatehouseResponseError['status']>().toEqualTypeOf<number>();
    expectTypeOf(GatehouseResponseError).toBeConstructibleWith('not JSON', 502);
    expectTypeOf<GatehouseResponseError>().not.toHaveProperty('error');
  });

  it('GatehouseNetworkError: no answer at all; a TypeError (as fetch throws) with the URL, the system code and the cause', () => {
    expectTypeOf<GatehouseNetworkError>().toExtend<TypeError>();
    expectTypeOf<GatehouseNetworkError>().not.toExtend<GatehouseOAuthError>();
    expectTypeOf<Pick<GatehouseNetworkError, 'url' | 'code'>>().toEqualTypeOf<{ readonly url: string; readonly code: string | undefined }>();
    expectTypeOf(GatehouseNetworkError).toBeConstructibleWith('https://auth.example.com/oauth/token', 'ECONNREFUSED', { cause: new TypeError('fetch failed') });
    expectTypeOf<'GatehouseNetworkError'>().toExtend<keyof typeof native>();
  });

  it('instanceof narrows an unknown error', () => {
    const error: unknown = new Error('x');
    if (error instanceof SecurityCheckFailedError) expectTypeOf(error.blockedUntil).toEqualTypeOf<Date | undefined>();
    if (error instanceof GatehouseOAuthError) expectTypeOf(error.error).toEqualTypeOf<string>();
  });
});

describe('gatehouse/client: application tokens', () => {
  it('requestAppToken signs a request and returns the token answer', () => {
    expectTypeOf<typeof APP_TOKEN_PATH>().toEqualTypeOf<'/api/auth/sign/ap/token'>();
    expectTypeOf(signAppTokenRequest).toEqualTypeOf<(options: AppTokenRequestOptions) => Promise<string>>();
    expectTypeOf(requestAppToken).toEqualTypeOf<(options: AppTokenCallOptions) => Promise<AppTokenResponse>>();
    expectTypeOf<AppTokenCallOptions>().toExtend<AppTokenRequestOptions>();
    expectTypeOf<AppTokenRequestOptions>().toEqualTypeOf<{
      issuer: string;
      clientId: string;
      privateKey: PrivateKeyInput;
      kid: string;
      alg?: ClientKeyAlgorithm;
      sub?: string;
      scope?: string;
      lifetimeSeconds?: number;
    }>();
    expectTypeOf<Omit<AppTokenCallOptions, keyof AppTokenRequestOptions>>().toEqualTypeOf<{
      clientSecret: string;
      fetch?: typeof fetch;
      challengeHandlers?: Record<string, ChallengeHandler>;
      maxChallengeRounds?: number;
    }>();
    // camelCase like every result of gatehouse/client; the 0.1 snake_case names are deprecated read-only aliases.
    expectTypeOf<AppTokenResponse>().toEqualTypeOf<{
      accessToken: string;
      tokenType: 'Bearer';
      expiresIn: number;
      expiresAt: number;
      scope: string | undefined;
      readonly access_token: string;
      readonly token_type: 'Bearer';
      readonly expires_in: number;
    }>();
  });
});

describe('gatehouse/client: signing people in (authorization code + PKCE)', () => {
  it('exports the browser sign-in, PKCE helpers and their errors', () => {
    expectTypeOf<
      | 'BrowserSignIn'
      | 'codeChallengeS256'
      | 'createCodeVerifier'
      | 'discoverOpenIdConfiguration'
      | 'openIdConfigurationUrl'
      | 'AuthorizationResponseError'
      | 'SignInCallbackError'
      | 'SignInRequiredError'
    >().toExtend<keyof typeof client>();
    expectTypeOf<'startNativeSignIn'>().not.toExtend<keyof typeof client>();
    expectTypeOf<client.AuthorizationResponseError>().toExtend<GatehouseOAuthError>();
    expectTypeOf<client.SignInCallbackError['reason']>().toEqualTypeOf<client.SignInCallbackReason>();
    expectTypeOf<client.SignInCallbackReason>().toEqualTypeOf<'state_mismatch' | 'issuer_mismatch' | 'invalid_response' | 'invalid_id_token' | 'timeout' | 'cancelled'>();
  });

  it('BrowserSignIn: options, sign-in, callback, tokens, sign-out', () => {
    expectTypeOf(BrowserSignIn).toBeConstructibleWith({ issuer: 'https://auth.example.com', clientId: 'spa', redirectUri: 'https://app.example/callback' });
    expectTypeOf<BrowserSignIn['signIn']>().toEqualTypeOf<(options?: client.SignInOptions) => Promise<void>>();
    expectTypeOf<BrowserSignIn['authorizationUrl']>().toEqualTypeOf<(options?: client.SignInOptions) => Promise<string>>();
    expectTypeOf<BrowserSignIn['handleCallback']>().toEqualTypeOf<(url?: string | URL) => Promise<client.SignInResult>>();
    expectTypeOf<BrowserSignIn['accessToken']>().toEqualTypeOf<() => Promise<string>>();
    expectTypeOf<BrowserSignIn['userInfo']>().toEqualTypeOf<() => Promise<Record<string, unknown>>>();
    expectTypeOf<BrowserSignIn['signOut']>().toEqualTypeOf<(options?: client.SignOutOptions) => Promise<string | undefined>>();
    expectTypeOf<BrowserSignIn['signedIn']>().toEqualTypeOf<boolean>();
    expectTypeOf<BrowserSignIn['claims']>().toEqualTypeOf<client.IdTokenClaims | undefined>();
    expectTypeOf<Pick<client.BrowserSignInOptions, 'issuer' | 'clientId' | 'redirectUri' | 'scope' | 'resource' | 'storage'>>().toEqualTypeOf<{
      issuer: string;
      clientId: string;
      redirectUri: string;
      scope?: ScopeInput;
      resource?: string | readonly string[];
      storage?: client.SignInStorage;
    }>();
    expectTypeOf<client.SignInOptions>().toEqualTypeOf<{
      prompt?: 'none' | 'login' | 'consent' | 'login consent';
      loginHint?: string;
      uiLocales?: string | readonly string[];
      maxAge?: number;
      state?: string;
    }>();
    expectTypeOf<client.SignOutOptions>().toEqualTypeOf<{ postLogoutRedirectUri?: string; state?: string }>();
    expectTypeOf<client.SignInTokens>().toEqualTypeOf<{
      accessToken: string;
      refreshToken: string | undefined;
      idToken: string | undefined;
      expiresIn: number | undefined;
      expiresAt: number | undefined;
      scope: string;
      claims: client.IdTokenClaims | undefined;
    }>();
    expectTypeOf<client.SignInResult>().toExtend<client.SignInTokens>();
    expectTypeOf<Omit<client.SignInResult, keyof client.SignInTokens>>().toEqualTypeOf<{ state: string | undefined }>();
    expectTypeOf<client.IdTokenClaims['sub']>().toEqualTypeOf<string>();
    expectTypeOf<client.IdTokenClaims['nonce']>().toEqualTypeOf<string | undefined>();
    // sessionStorage fits the storage interface.
    expectTypeOf<{ getItem(key: string): string | null; setItem(key: string, value: string): void; removeItem(key: string): void; length: number }>().toExtend<client.SignInStorage>();
    // @ts-expect-error: a redirect URI is required
    new BrowserSignIn({ issuer: 'https://auth.example.com', clientId: 'spa' });
  });

  it('PKCE helpers', () => {
    expectTypeOf(createCodeVerifier).toEqualTypeOf<(length?: number) => string>();
    expectTypeOf(codeChallengeS256).toEqualTypeOf<(verifier: string) => Promise<string>>();
  });
});
