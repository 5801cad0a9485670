/**
 * An authorization request (RFC 6749 §4.1.1, RFC 7636, OpenID Connect Core §3.1.2.1) once checked:
 * the client is known and enabled, the redirect URI is one it registered, PKCE is S256.
 * It is kept server-side while the person signs in (an interaction), so nothing here is trusted from the browser again.
 */
export interface AuthorizationRequest {
  clientId: string;
  /** The redirect URI as the request sent it (it matched a registered one). */
  redirectUri: string;
  responseMode: 'query' | 'form_post';
  /** Returned unchanged with the answer; absent when the client sent none. */
  state: string | undefined;
  /** The scope parameter as sent (undefined: absent). */
  scope: string | undefined;
  /** RFC 7636: base64url SHA-256 of the verifier (43 characters). Only S256 is accepted. */
  codeChallenge: string;
  nonce: string | undefined;
  /** RFC 8707 resources, already checked against the configured resources. */
  resources: string[];
  /** OIDC `prompt`: 'none', or any of 'login' and 'consent'. */
  prompt: ReadonlyArray<'none' | 'login' | 'consent'>;
  /** OIDC `max_age` in seconds, or undefined. */
  maxAge: number | undefined;
  loginHint: string | undefined;
  /** OIDC `ui_locales`, in order of preference. */
  uiLocales: string[];
}

/**
 * A person's way through the sign-in pages for one authorization request: stored server-side, named in the
 * page URL by a random id (kept only as a digest), protected by a CSRF token bound to the browser.
 */
export interface Interaction {
  /** Keyed digest of the id in the page URL. */
  idDigest: string;
  request: AuthorizationRequest;
  /** Keyed digest of the CSRF token the pages' forms carry (also set in a cookie). */
  csrfDigest: string;
  /** The browser session this interaction signed in with, once the person has signed in. */
  sessionIdDigest: string | null;
  createdAt: number;
  /** Epoch ms after which the interaction is gone (default 10 minutes). */
  expiresAt: number;
}

/** What interactions need from storage; `store/` implements it. */
export interface InteractionsStore {
  insert(interaction: Interaction): Promise<void>;
  /** The interaction, or undefined when unknown or expired at `now`. */
  get(idDigest: string, now: number): Promise<Interaction | undefined>;
  /** Binds the signed-in session. */
  setSession(idDigest: string, sessionIdDigest: string): Promise<void>;
  /** Ends it (after the code was issued, or the person cancelled). */
  delete(idDigest: string): Promise<void>;
}
