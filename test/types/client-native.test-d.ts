// Type tests of the `gatehouse/client/native` entry point (src/client-sdk/native.ts): the loopback sign-in of
// native and command-line apps (Node.js only). Run by `npm run typecheck` (vitest --typecheck.only).
import { describe, expectTypeOf, it } from 'vitest';
import type * as native from '../../src/client-sdk/native.js';
import { refreshNativeSignIn, startNativeSignIn, type NativeRefreshOptions, type NativeSignIn, type NativeSignInOptions, type SignInTokens } from '../../src/client-sdk/native.js';
import type { ScopeInput } from '../../src/client-sdk/index.js';

describe('gatehouse/client/native', () => {
  it('exports the loopback sign-in and the errors it throws', () => {
    expectTypeOf<'startNativeSignIn' | 'refreshNativeSignIn' | 'AuthorizationResponseError' | 'SignInCallbackError' | 'GatehouseOAuthError' | 'GatehouseResponseError'>().toExtend<
      keyof typeof native
    >();
  });

  it('startNativeSignIn starts a loopback server and returns the URL and the pending result', () => {
    expectTypeOf(startNativeSignIn).toEqualTypeOf<(options: NativeSignInOptions) => Promise<NativeSignIn>>();
    expectTypeOf(startNativeSignIn).toBeCallableWith({ issuer: 'https://auth.example.com', clientId: 'cli' });
    expectTypeOf(startNativeSignIn).toBeCallableWith({
      issuer: 'https://auth.example.com',
      clientId: 'cli',
      scope: ['openid', 'offline_access'],
      resource: 'https://api.example.com/',
      open: async (url: string) => void url,
      timeoutMs: 60_000,
      callbackPath: '/done',
      prompt: 'login',
      loginHint: 'ada',
      uiLocales: ['ja'],
    });
    expectTypeOf<Pick<NativeSignInOptions, 'issuer' | 'clientId' | 'scope' | 'open' | 'timeoutMs'>>().toEqualTypeOf<{
      issuer: string;
      clientId: string;
      scope?: ScopeInput;
      open?: (url: string) => void | Promise<void>;
      timeoutMs?: number;
    }>();
    expectTypeOf(refreshNativeSignIn).toEqualTypeOf<(options: NativeRefreshOptions, tokens: SignInTokens) => Promise<SignInTokens>>();
    expectTypeOf(refreshNativeSignIn).toBeCallableWith({ issuer: 'https://auth.example.com', clientId: 'cli' }, {} as SignInTokens);
    expectTypeOf<NativeSignIn>().toEqualTypeOf<{ authorizationUrl: string; redirectUri: string; result: Promise<SignInTokens>; cancel(): void }>();
  });
});
