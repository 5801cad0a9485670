import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AuditLog } from '../../audit/audit-log.js';
import { OFFLINE_ACCESS, type Client } from '../../clients/client.js';
import type { GatehouseConfig } from '../../config/config.js';
import { generateSecret, type SecretDigester } from '../../keys/secret-digest.js';
import { checkAnswerFromForm } from '../../security/check-page.js';
import type { AuthorizationRequest, Interaction } from '../../sign-in/authorization-request.js';
import { AUTHORIZATION_CODE_LIFETIME_MS } from '../../sign-in/authorization-code.js';
import { sessionIsLive, type BrowserSession } from '../../sign-in/browser-session.js';
import { browserCheckStateKey } from '../../sign-in/check-state-key.js';
import { consentCovers } from '../../sign-in/consent.js';
import type { SignInStores } from '../../sign-in/sign-in-stores.js';
import { TooManyAttempts } from '../../users/attempt-limiter.js';
import type { PasswordSignIn } from '../../users/password-sign-in.js';
import type { User } from '../../users/user.js';
import type { UsersStore } from '../../users/users-store.js';
import { OAuthError } from '../oauth-error.js';
import type { PlannedScope, SecurityGate, TokenRequestFacts } from '../security-gate.js';
import { scopesToConsent } from '../user-claims.js';
import type { ResponseTarget } from './authorization-request-parser.js';
import { codeResponse, errorResponse, type AuthorizationResponse } from './authorization-response.js';
import { BrowserMismatch, InteractionNotFound, type BrowserContext, type FlowInput, type FlowStart, type FlowStep, type NewSession, type SignInMetrics } from './flow-types.js';
import { authenticationMethods } from './authentication-methods.js';
import { idleEnd, newBrowserSession } from './browser-session-terms.js';

/** An interaction lasts this long: enough to type a password and answer a check. */
const INTERACTION_LIFETIME_MS = 10 * 60_000;
const USER_LOGIN = 'UserLogin';
const SKIPPED_CHECKS: ReadonlySet<string> = new Set([USER_LOGIN]);

export interface SignInFlowServices {
  config: Pick<GatehouseConfig, 'issuer' | 'browserSessionIdleLifetime' | 'browserSessionLifetime'>;
  stores: SignInStores;
  client(clientId: string): Client | undefined;
  gate: Pick<SecurityGate, 'plan' | 'firstPendingCheck' | 'rememberSuccess'>;
  signIn: Pick<PasswordSignIn, 'check'>;
  users: Pick<UsersStore, 'get'>;
  digester: Pick<SecretDigester, 'digest' | 'matches'>;
  audit: Pick<AuditLog, 'record'>;
  metrics: SignInMetrics;
  logger: Pick<Logger, 'warn'>;
}

/**
 * Browser sign-in (the authorization code flow's user-facing part): decides from the browser session, the
 * security checks of the requested scope and the person's consent what is asked next, and issues the code
 * when nothing is left. Nothing the browser sends is trusted beyond the interaction stored server-side.
 */
export class SignInFlow {
  constructor(private readonly services: SignInFlowServices) {}

  /** Starts a checked request: answers at once when the session and consent suffice (or prompt=none), else opens an interaction. */
  async begin(request: AuthorizationRequest, client: Client, browser: BrowserContext): Promise<FlowStart> {
    const now = Date.now();
    // A scope the client may not have is answered before anyone signs in.
    try {
      this.services.gate.plan(client, requestedScope(request, client), client.scopes);
    } catch (error) {
      if (error instanceof OAuthError) return { kind: 'respond', response: errorResponse(targetOf(request), error.error, error.description, this.services.config.issuer) };
      throw error;
    }
    const session = await this.liveSession(browser.sessionId, now);
    if (request.prompt.includes('none')) {
      const step = await this.advance({ request, client, session, signedInHere: false, browser, now });
      if (step.kind === 'respond') return { kind: 'respond', response: step.response };
      const error = step.kind === 'sign-in' ? 'login_required' : step.kind === 'consent' ? 'consent_required' : 'interaction_required';
      return {
        kind: 'respond',
        response: errorResponse(
          targetOf(request),
          error,
          `prompt=none, but the person would have to ${step.kind === 'sign-in' ? 'sign in' : step.kind === 'consent' ? 'consent' : 'answer a security check'}`,
          this.services.config.issuer,
        ),
      };
    }
    if (session && !request.prompt.includes('login') && !request.prompt.includes('consent')) {
      const step = await this.advance({ request, client, session, signedInHere: false, browser, now, probe: true });
      if (step.kind === 'respond') return { kind: 'respond', response: step.response };
    }
    const browserToken = browser.browserToken !== undefined && /^[A-Za-z0-9_-]{43}$/.test(browser.browserToken) ? browser.browserToken : generateSecret();
    const interactionId = generateSecret();
    await this.services.stores.interactions.insert({
      idDigest: this.services.digester.digest(interactionId),
      request,
      csrfDigest: this.services.digester.digest(browserToken),
      sessionIdDigest: null,
      createdAt: now,
      expiresAt: now + INTERACTION_LIFETIME_MS,
    });
    return { kind: 'interact', interactionId, browserToken, newBrowserToken: browserToken !== browser.browserToken };
  }

  /** The step an interaction's page shows now. The browser must be the one that started it. */
  async current(interactionId: string, browser: BrowserContext): Promise<{ step: FlowStep; client: Client; request: AuthorizationRequest }> {
    const { interaction, client } = await this.load(interactionId, browser);
    const now = Date.now();
    const session = await this.liveSession(browser.sessionId, now);
    const step = await this.advance({ request: interaction.request, client, session, signedInHere: signedInHere(interaction, session), browser, now, probe: true });
    return { step: await this.finished(interactionId, step), client, request: interaction.request };
  }

  /**
   * Takes what the person sent from a page (the CSRF token was checked against the browser-binding cookie by
   * `load`) and answers the next step. A sign-in makes a new session (its cookie is returned).
   */
  async submit(interactionId: string, browser: BrowserContext, input: FlowInput): Promise<{ step: FlowStep; client: Client; request: AuthorizationRequest; session?: NewSession }> {
    const { interaction, client } = await this.load(interactionId, browser);
    const { request } = interaction;
    const now = Date.now();
    if (input.step === 'cancel') {
      await this.services.stores.interactions.delete(interaction.idDigest);
      return { step: { kind: 'respond', response: errorResponse(targetOf(request), 'access_denied', 'the person cancelled the sign-in', this.services.config.issuer) }, client, request };
    }
    if (input.step === 'sign-in') {
      const signedIn = await this.signIn(interaction, client, browser, input, now);
      if (!signedIn.ok) return { step: signedIn.step, client, request };
      const step = await this.advance({ request, client, session: signedIn.session, signedInHere: true, browser, now, probe: true });
      return { step: await this.finished(interactionId, step), client, request, session: signedIn.cookie };
    }
    const session = await this.liveSession(browser.sessionId, now);
    const step = await this.advance({ request, client, session, signedInHere: signedInHere(interaction, session), browser, now, input });
    return { step: await this.finished(interactionId, step), client, request };
  }

  private async signIn(
    interaction: Interaction,
    client: Client,
    browser: BrowserContext,
    input: { username: string; password: string },
    now: number,
  ): Promise<{ ok: true; session: BrowserSession; cookie: NewSession } | { ok: false; step: FlowStep }> {
    const { services } = this;
    const origin = { sourceAddress: browser.sourceAddress, clientId: client.clientId };
    let result;
    try {
      result = await services.signIn.check(input.username, input.password, origin);
    } catch (error) {
      if (!(error instanceof TooManyAttempts)) throw error;
      await this.audit('sign-in.failed', input.username, client, browser, 'failure', `too many attempts (${error.rule})`);
      return { ok: false, step: { kind: 'sign-in', retryAfterSeconds: Math.max(1, Math.ceil(error.retryAfterMs / 1000)), username: input.username } };
    }
    if (!result.ok) {
      await this.audit('sign-in.failed', input.username, client, browser, 'failure', 'wrong username or password, or the account is disabled');
      return { ok: false, step: { kind: 'sign-in', error: 'invalid-credentials', username: input.username } };
    }
    // A new session at every sign-in (no fixation); the browser's earlier one ends.
    if (browser.sessionId !== undefined) await services.stores.sessions.end(services.digester.digest(browser.sessionId), now);
    const { sessionId, session } = newBrowserSession(result.user.id, authenticationMethods([USER_LOGIN]), browser, services.config, (secret) => services.digester.digest(secret), now);
    await services.stores.sessions.insert(session);
    await services.stores.interactions.setSession(interaction.idDigest, session.idDigest);
    interaction.sessionIdDigest = session.idDigest;
    await this.audit('sign-in.succeeded', result.user.username, client, browser, 'success', null);
    return { ok: true, session, cookie: { sessionId, maxAgeSeconds: services.config.browserSessionLifetime } };
  }

  /** Decides the next step; with `probe`, nothing is answered that needs the person (used before showing a page). */
  private async advance(state: {
    request: AuthorizationRequest;
    client: Client;
    session: BrowserSession | undefined;
    signedInHere: boolean;
    browser: BrowserContext;
    now: number;
    input?: FlowInput;
    probe?: boolean;
  }): Promise<FlowStep> {
    const { request, client, session, browser, now, input } = state;
    const { services } = this;
    const target = targetOf(request);
    const issuer = services.config.issuer;
    const refuse = (error: string, description: string): FlowStep => ({ kind: 'respond', response: errorResponse(target, error, description, issuer) });

    if (!session || !this.authenticationFresh(request, session, state.signedInHere, now)) return { kind: 'sign-in', username: request.loginHint };
    const user = await services.users.get(session.userId);
    if (!user || !user.enabled) {
      await services.stores.sessions.end(session.idDigest, now);
      return { kind: 'sign-in', username: request.loginHint };
    }

    let planned: PlannedScope;
    try {
      planned = services.gate.plan(client, requestedScope(request, client), client.scopes);
    } catch (error) {
      if (error instanceof OAuthError) return refuse(error.error, error.description);
      throw error;
    }

    // A scope mapped to UserLogin needs a sign-in within that check's success lifetime, whatever the session's.
    const userLogin = planned.checks.find((check) => check.name === USER_LOGIN);
    if (userLogin && !state.signedInHere && session.authTime + userLogin.successLifetime * 1000 <= now) return { kind: 'sign-in', username: request.loginHint };

    const facts: TokenRequestFacts = { sourceAddress: browser.sourceAddress, grantType: 'authorization_code', clientAuthMethod: 'none', keyProven: false, headers: browser.headers };
    const answered = input?.step === 'check' ? planned.checks.find((check) => check.name === input.checkName) : undefined;
    const pending = await services.gate.firstPendingCheck(planned, facts, {
      stateKey: browserCheckStateKey(client.clientId, user.id),
      skip: SKIPPED_CHECKS,
      answering: answered?.name,
      answer: answered && input?.step === 'check' ? checkAnswerFromForm(answered, input.values) : undefined,
    });
    if (pending.kind === 'challenge') return { kind: 'check', check: pending.check, challenge: pending.challenge };
    if (pending.kind === 'failure') {
      await this.audit('sign-in.check-failed', user.username, client, browser, 'failure', `${pending.check.name}: ${pending.reason}`);
      if (pending.blockedUntil !== undefined) return { kind: 'blocked', checkName: pending.check.name, reason: pending.reason, blockedUntil: pending.blockedUntil };
      return refuse('access_denied', pending.reason);
    }

    if (!client.skipConsent) {
      const consent = await services.stores.consents.get(user.id, client.clientId);
      const asked = request.prompt.includes('consent') && !(input?.step === 'consent');
      if (input?.step === 'consent') {
        if (input.decision === 'deny') {
          await this.audit('consent.denied', user.username, client, browser, 'failure', planned.scopes.join(' '));
          return refuse('access_denied', 'the person did not allow the application');
        }
        await services.stores.consents.grant(user.id, client.clientId, planned.scopes, now);
        await this.audit('consent.granted', user.username, client, browser, 'success', planned.scopes.join(' '));
      } else if (asked || !consentCovers(consent, planned.scopes)) {
        return { kind: 'consent', scopes: scopesToConsent(planned.scopes, client) };
      }
    }

    // The session's sign-in is this person's UserLogin success, for as long as the check's success lasts: a
    // refresh of the grant at the token endpoint asks the same per-person state.
    if (userLogin) await services.gate.rememberSuccess(browserCheckStateKey(client.clientId, user.id), USER_LOGIN, session.authTime + userLogin.successLifetime * 1000);
    const amr = authenticationMethods([USER_LOGIN, ...pending.passed]);
    return { kind: 'respond', response: await this.issueCode(request, client, user, session, planned, amr, now) };
  }

  private async issueCode(request: AuthorizationRequest, client: Client, user: User, session: BrowserSession, planned: PlannedScope, amr: string[], now: number): Promise<AuthorizationResponse> {
    const { services } = this;
    const code = generateSecret();
    await services.stores.codes.insert({
      codeDigest: services.digester.digest(code),
      clientId: client.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      nonce: request.nonce ?? null,
      resources: request.resources,
      scopes: planned.scopes,
      userId: user.id,
      sessionIdDigest: session.idDigest,
      authTime: session.authTime,
      amr,
      grantId: randomUUID(),
      createdAt: now,
      expiresAt: now + AUTHORIZATION_CODE_LIFETIME_MS,
      usedAt: null,
    });
    const idleExpiresAt = idleEnd(services.config, session.absoluteExpiresAt, now);
    await services.stores.sessions.touch(session.idDigest, { lastSeenAt: now, idleExpiresAt, amr: [...new Set([...session.amr, ...amr])] });
    return codeResponse(targetOf(request), code, services.config.issuer);
  }

  /** Whether the session's sign-in satisfies the request: prompt=login and max_age need a recent one. */
  private authenticationFresh(request: AuthorizationRequest, session: BrowserSession, signedInHere: boolean, now: number): boolean {
    if (signedInHere) return true;
    if (request.prompt.includes('login')) return false;
    if (request.maxAge !== undefined && now - session.authTime > request.maxAge * 1000) return false;
    return true;
  }

  /** Ends the interaction once the client is answered. */
  private async finished(interactionId: string, step: FlowStep): Promise<FlowStep> {
    if (step.kind === 'respond') await this.services.stores.interactions.delete(this.services.digester.digest(interactionId));
    return step;
  }

  private async load(interactionId: string, browser: BrowserContext): Promise<{ interaction: Interaction; client: Client }> {
    const { services } = this;
    const interaction = await services.stores.interactions.get(services.digester.digest(interactionId), Date.now());
    if (!interaction) throw new InteractionNotFound('this sign-in page has expired or was already used');
    if (browser.browserToken === undefined || !services.digester.matches(browser.browserToken, interaction.csrfDigest)) {
      throw new BrowserMismatch('this sign-in was started in another browser, or its cookie is missing');
    }
    const client = services.client(interaction.request.clientId);
    if (!client) throw new InteractionNotFound('the application of this sign-in is no longer registered');
    return { interaction, client };
  }

  private async liveSession(sessionId: string | undefined, now: number): Promise<BrowserSession | undefined> {
    if (sessionId === undefined || sessionId.length > 100) return undefined;
    const session = await this.services.stores.sessions.get(this.services.digester.digest(sessionId));
    return session && sessionIsLive(session, now) ? session : undefined;
  }

  private async audit(action: string, username: string, client: Client, browser: BrowserContext, outcome: 'success' | 'failure', reason: string | null): Promise<void> {
    this.services.metrics.signInEvent(action, outcome);
    await this.services.audit.record({
      actor: 'anonymous',
      action,
      target: username.slice(0, 255),
      outcome,
      status: null,
      reason,
      clientId: client.clientId,
      sourceAddress: browser.sourceAddress,
    });
  }
}

/**
 * The scope a browser request asks for: as sent, except `offline_access` from a client without refresh tokens,
 * which is ignored rather than refused (OIDC Core §11: many relying parties ask for it by default).
 */
function requestedScope(request: AuthorizationRequest, client: Client): string | undefined {
  if (request.scope === undefined || client.refreshTokens) return request.scope;
  return request.scope
    .split(' ')
    .filter((element) => element !== OFFLINE_ACCESS)
    .join(' ');
}

function targetOf(request: AuthorizationRequest): ResponseTarget {
  return { redirectUri: request.redirectUri, responseMode: request.responseMode, state: request.state };
}

function signedInHere(interaction: Interaction, session: BrowserSession | undefined): boolean {
  return session !== undefined && interaction.sessionIdDigest === session.idDigest;
}
