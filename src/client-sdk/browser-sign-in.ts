import { CodeFlowClient, type AuthorizationOptions, type IdTokenClaims, type PendingAuthorization, type SignInTokens } from './code-flow.js';
import { GatehouseOAuthError, SignInCallbackError, SignInRequiredError } from './errors.js';
import type { ScopeInput } from './scope.js';

/** What the browser helper needs of `sessionStorage` (any object with these three methods will do). */
export interface SignInStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface BrowserSignInOptions {
  /** Gatehouse's issuer URL; its metadata is read once. */
  issuer: string;
  /** The public client (`token_endpoint_auth_method: none`) registered with `redirectUri`. */
  clientId: string;
  /** Where Gatehouse sends the browser back; the page that calls `handleCallback()`. */
  redirectUri: string;
  /** The scope to ask for, e.g. `openid profile offline_access orders:read`. */
  scope?: ScopeInput;
  /** RFC 8707 resource indicators: the access token's audience. */
  resource?: string | readonly string[];
  /** Where the state, nonce and PKCE verifier wait for the callback (default `sessionStorage`). Tokens are never stored. */
  storage?: SignInStorage;
  /** How to go to a URL (default `location.assign`). */
  navigate?: (url: string) => void;
  /** Renew the access token this long before it expires: the smaller of these (defaults 30 s and 0.1 of its lifetime). */
  renewBeforeSeconds?: number;
  renewBeforeFraction?: number;
  clockToleranceSeconds?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface SignInOptions extends AuthorizationOptions {
  /** The application's own value to get back from `handleCallback()` (e.g. the page to return to). Kept in storage, not sent. */
  state?: string;
}

/** The tokens of a completed sign-in, and the `state` given to `signIn()`. */
export interface SignInResult extends SignInTokens {
  state: string | undefined;
}

export interface SignOutOptions {
  /** Where Gatehouse sends the browser after signing out: one of the client's `post_logout_redirect_uris`. */
  postLogoutRedirectUri?: string;
  /** Returned to that page unchanged. */
  state?: string;
}

/** A started sign-in as kept in storage until its callback. */
interface StoredSignIn extends Omit<PendingAuthorization, 'state'> {
  appState?: string;
  createdAt: number;
}

/** Started sign-ins older than this are forgotten (the server's codes and interactions live far shorter). */
const PENDING_LIFETIME_MS = 60 * 60 * 1000;
/** At most this many started sign-ins are kept (tabs, double clicks). */
const PENDING_LIMIT = 8;
/** Token endpoint errors that mean the refresh token will never work again (RFC 6749 §5.2); others (429, 5xx) may pass. */
const REFUSED_REFRESH = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client', 'invalid_scope']);

/**
 * Signs people in from a browser app through Gatehouse's pages: the authorization code flow with PKCE (S256),
 * `state` and `nonce`, for a public client. `signIn()` goes to the authorization endpoint; the redirect URI's
 * page calls `handleCallback()`, which checks the answer (state, RFC 9207 `iss`), exchanges the code and
 * validates the ID token. Tokens stay in memory only (gone on reload: sign in again, e.g. with
 * `prompt: 'none'`); `accessToken()` refreshes them before they expire (one request for concurrent callers).
 */
export class BrowserSignIn {
  private readonly flow: CodeFlowClient;
  private tokens: SignInTokens | undefined;
  private refreshing: Promise<SignInTokens> | undefined;

  constructor(private readonly options: BrowserSignInOptions) {
    this.flow = new CodeFlowClient(options);
  }

  /** Whether tokens are held (they may need a refresh). */
  get signedIn(): boolean {
    return this.tokens !== undefined;
  }

  /** The validated ID token's claims, while signed in with the `openid` scope. */
  get claims(): IdTokenClaims | undefined {
    return this.tokens?.claims;
  }

  /** Starts a sign-in: keeps its state, nonce and verifier in storage and returns the authorization URL. */
  async authorizationUrl(options: SignInOptions = {}): Promise<string> {
    const { state: appState, ...authorization } = options;
    const { url, pending } = await this.flow.authorizationRequest(this.options.redirectUri, this.options.scope, this.options.resource, authorization);
    const { state, ...kept } = pending;
    const entries = this.pendingEntries();
    entries[state] = { ...kept, ...(appState !== undefined ? { appState } : {}), createdAt: this.now() };
    this.savePending(entries);
    return url;
  }

  /** Starts a sign-in and goes to Gatehouse's sign-in page. */
  async signIn(options: SignInOptions = {}): Promise<void> {
    this.navigate(await this.authorizationUrl(options));
  }

  /**
   * Completes the sign-in on the redirect URI's page (default: the current URL). Refuses an unknown state
   * and an `iss` of another issuer (`SignInCallbackError`), throws the server's error answer as
   * `AuthorizationResponseError` (`error`: e.g. `access_denied`, `login_required`), else exchanges the code.
   * Each started sign-in completes once. Remove the query from the address bar afterwards (history.replaceState).
   */
  async handleCallback(url: string | URL = currentLocation().href): Promise<SignInResult> {
    const params = new URL(url).searchParams;
    const state = params.get('state');
    const entries = this.pendingEntries();
    const entry = state === null ? undefined : entries[state];
    if (state === null || entry === undefined) throw new SignInCallbackError('state_mismatch', 'no sign-in started in this browser has the state of this callback');
    delete entries[state];
    this.savePending(entries);
    const pending: PendingAuthorization = { state, nonce: entry.nonce, codeVerifier: entry.codeVerifier, redirectUri: entry.redirectUri, scope: entry.scope };
    const code = await this.flow.authorizationCode(params, pending);
    const tokens = await this.flow.exchangeCode(code, pending);
    this.tokens = tokens;
    this.refreshing = undefined;
    return { ...tokens, state: entry.appState };
  }

  /**
   * The access token, refreshed first when it is about to expire (the rotated refresh token replaces the
   * old one; concurrent calls share one refresh). Throws `SignInRequiredError` when there is none or the
   * server refused the refresh token.
   */
  async accessToken(): Promise<string> {
    const tokens = this.tokens;
    if (tokens === undefined) throw new SignInRequiredError();
    if (tokens.expiresAt === undefined || this.now() < this.renewAt(tokens.expiresAt, tokens.expiresIn)) return tokens.accessToken;
    if (tokens.refreshToken === undefined) {
      if (this.now() < tokens.expiresAt) return tokens.accessToken;
      this.tokens = undefined;
      throw new SignInRequiredError('the access token expired and there is no refresh token');
    }
    if (!this.refreshing) {
      const refreshing = this.refresh(tokens);
      this.refreshing = refreshing;
      const forget = () => {
        if (this.refreshing === refreshing) this.refreshing = undefined;
      };
      refreshing.then(forget, forget);
    }
    return (await this.refreshing).accessToken;
  }

  /** The UserInfo claims of the signed-in person (`sub` checked against the ID token's). */
  async userInfo(): Promise<Record<string, unknown>> {
    const accessToken = await this.accessToken();
    return this.flow.userInfo(accessToken, this.tokens?.claims?.sub);
  }

  /**
   * Forgets the tokens, revokes the refresh token (RFC 7009; best effort: a failure does not keep anyone
   * signed in) and goes to the end-session endpoint with `id_token_hint` (OpenID Connect RP-initiated logout),
   * which ends the browser session at Gatehouse. Returns that URL (undefined when the server has none).
   */
  async signOut(options: SignOutOptions = {}): Promise<string | undefined> {
    const tokens = this.tokens;
    this.tokens = undefined;
    this.refreshing = undefined;
    if (tokens?.refreshToken !== undefined) await this.flow.revoke(tokens.refreshToken, 'refresh_token').catch(() => undefined);
    const url = await this.flow.endSessionUrl({ idTokenHint: tokens?.idToken, postLogoutRedirectUri: options.postLogoutRedirectUri, state: options.state });
    if (url !== undefined) this.navigate(url);
    return url;
  }

  private async refresh(tokens: SignInTokens): Promise<SignInTokens> {
    try {
      const refreshed = await this.flow.refresh(tokens);
      if (this.tokens !== tokens) throw new SignInRequiredError('signed out while the tokens were refreshed');
      this.tokens = refreshed;
      return refreshed;
    } catch (error) {
      if (error instanceof SignInRequiredError) throw error;
      // A refused refresh token (expired, revoked, reused after rotation) ends the sign-in; a network error does not.
      if (error instanceof GatehouseOAuthError && REFUSED_REFRESH.has(error.error)) {
        if (this.tokens === tokens) this.tokens = undefined;
        throw new SignInRequiredError(`the refresh token was refused (${error.message})`);
      }
      throw error;
    }
  }

  private renewAt(expiresAt: number, expiresIn: number | undefined): number {
    const lifetime = (expiresIn ?? 0) * 1000;
    return expiresAt - Math.min((this.options.renewBeforeSeconds ?? 30) * 1000, (this.options.renewBeforeFraction ?? 0.1) * lifetime);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private navigate(url: string): void {
    if (this.options.navigate) this.options.navigate(url);
    else currentLocation().assign(url);
  }

  private get storage(): SignInStorage {
    const storage = this.options.storage ?? (globalThis as { sessionStorage?: SignInStorage }).sessionStorage;
    if (!storage) throw new TypeError('BrowserSignIn needs a storage: there is no sessionStorage here');
    return storage;
  }

  private get storageKey(): string {
    return `gatehouse.sign-in.${this.options.clientId}`;
  }

  /** The started sign-ins by state, without those too old. */
  private pendingEntries(): Record<string, StoredSignIn> {
    let entries: Record<string, StoredSignIn> = {};
    try {
      const parsed: unknown = JSON.parse(this.storage.getItem(this.storageKey) ?? '{}');
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) entries = parsed as Record<string, StoredSignIn>;
    } catch {
      // unreadable: as if empty
    }
    const oldest = this.now() - PENDING_LIFETIME_MS;
    return Object.fromEntries(Object.entries(entries).filter(([, entry]) => typeof entry?.createdAt === 'number' && entry.createdAt > oldest));
  }

  private savePending(entries: Record<string, StoredSignIn>): void {
    const kept = Object.entries(entries)
      .sort(([, a], [, b]) => b.createdAt - a.createdAt)
      .slice(0, PENDING_LIMIT);
    if (kept.length === 0) this.storage.removeItem(this.storageKey);
    else this.storage.setItem(this.storageKey, JSON.stringify(Object.fromEntries(kept)));
  }
}

function currentLocation(): { href: string; assign(url: string): void } {
  const location = (globalThis as { location?: { href: string; assign(url: string): void } }).location;
  if (!location) throw new TypeError('there is no location here: pass the callback URL and a navigate function');
  return location;
}
