import { randomBytes } from 'node:crypto';
import type { Client } from '../clients/client.js';
import type { ClientDirectory } from '../clients/client-directory.js';
import type { GatehouseConfig } from '../config/config.js';
import type { LaunchTokenSeal } from '../keys/launch-token-seal.js';
import type { SecretDigester } from '../keys/secret-digest.js';
import { isPassThroughName, type AppTokenLaunch, type AppTokenLaunchesStore, type LaunchLinkState } from '../sign-in/app-token-launch.js';
import type { AccessTokenVerifier } from './access-token-verifier.js';
import { OAuthError, invalidRequest } from './oauth-error.js';

/** A launch link's id: 32 random bytes, base64url (43 characters). */
const LINK_ID = /^[A-Za-z0-9_-]{43}$/;
/** Pass-through parameters a link carries at most, and the longest value. */
export const MAX_PASS_THROUGH = 50;
const MAX_PASS_THROUGH_VALUE = 2048;
const MAX_TARGET_LENGTH = 2048;

/** What a launch link request asks for (the client already authenticated with its secret). */
export interface LaunchRequest {
  client: Client;
  /** The access token the caller holds for the user. */
  accessToken: string;
  target: string;
  /** Every parameter of the request, by name (a form body); those with the configured prefixes pass through. */
  params: Readonly<Record<string, unknown>>;
}

export interface CreatedLaunch {
  launchUrl: string;
  expiresIn: number;
  /** For the audit log. */
  subject: string;
  jti: string;
}

/** What opening a link gives: the token and where to go, or why not (never a redirect then). */
export type OpenedLaunch =
  | { opened: true; token: string; maxAgeSeconds: number; location: string; clientId: string; subject: string; jti: string; tokenExpiresAt: number }
  | { opened: false; state: LaunchLinkState | 'malformed' | 'token-invalid' | 'target-not-allowed'; clientId?: string };

type Config = Pick<GatehouseConfig, 'issuer' | 'launchLifetime' | 'launchPassThroughPrefixes'>;

/**
 * The embedding hand-off (issue 20): a server that holds an access token for a user asks for a one-time
 * launch link; a browser that opens it gets the token as its cookie and is sent to the target, an origin the
 * client allows, with only the pass-through parameters. Links are random (256 bits), kept as digests, single
 * use by one conditional UPDATE, short-lived, and hold the token only sealed with a key their id derives.
 */
export class AppTokenLaunches {
  constructor(
    private readonly config: Config,
    private readonly store: AppTokenLaunchesStore,
    private readonly digester: Pick<SecretDigester, 'digest'>,
    private readonly seal: LaunchTokenSeal,
    private readonly verifier: Pick<AccessTokenVerifier, 'verify'>,
    private readonly directory: Pick<ClientDirectory, 'get'>,
    private readonly path: string,
  ) {}

  async create(request: LaunchRequest, now = Date.now()): Promise<CreatedLaunch> {
    const { client } = request;
    const verified = await this.verifier.verify(request.accessToken);
    if (!verified.active) throw new OAuthError(400, 'invalid_grant', `access_token is not usable: ${verified.reason}`);
    if (verified.claims.client_id !== client.clientId) throw new OAuthError(400, 'invalid_grant', 'access_token was issued to another client');
    const target = checkTarget(request.target, client);
    const passThrough = this.passThroughOf(request.params);
    const tokenExpiresAt = verified.claims.exp * 1000;
    const lifetime = this.config.launchLifetime * 1000;
    // A link never outlives its token.
    const expiresAt = Math.min(now + lifetime, tokenExpiresAt);
    const id = randomBytes(32).toString('base64url');
    const idDigest = this.digester.digest(id);
    const launch: AppTokenLaunch = {
      idDigest,
      clientId: client.clientId,
      subject: verified.claims.sub,
      jti: verified.claims.jti,
      sealedToken: this.seal.seal(request.accessToken, id, idDigest),
      tokenExpiresAt,
      target,
      passThrough,
      createdAt: now,
      expiresAt,
      usedAt: null,
    };
    await this.store.insert(launch);
    return { launchUrl: `${this.config.issuer}${this.path}/${id}`, expiresIn: Math.max(0, Math.floor((expiresAt - now) / 1000)), subject: launch.subject, jti: launch.jti };
  }

  /** Opens a link once: marks it used, then checks that its token and target still hold. */
  async open(id: string, now = Date.now()): Promise<OpenedLaunch> {
    if (!LINK_ID.test(id)) return { opened: false, state: 'malformed' };
    const idDigest = this.digester.digest(id);
    const launch = await this.store.take(idDigest, now);
    if (!launch) {
      const { state, clientId } = await this.store.stateOf(idDigest, now);
      return clientId === undefined ? { opened: false, state } : { opened: false, state, clientId };
    }
    const token = this.seal.open(launch.sealedToken, id, idDigest);
    const verified = token === undefined ? undefined : await this.verifier.verify(token);
    if (token === undefined || !verified?.active) return { opened: false, state: 'token-invalid', clientId: launch.clientId };
    // The client may have lost the origin (or been disabled) since the link was made.
    const client = this.directory.get(launch.clientId);
    if (!client || !client.allowedOrigins.includes(new URL(launch.target).origin)) return { opened: false, state: 'target-not-allowed', clientId: launch.clientId };
    const location = new URL(launch.target);
    for (const [name, value] of launch.passThrough) location.searchParams.append(name, value);
    return {
      opened: true,
      token,
      maxAgeSeconds: Math.max(1, Math.floor((verified.claims.exp * 1000 - now) / 1000)),
      location: location.href,
      clientId: launch.clientId,
      subject: launch.subject,
      jti: launch.jti,
      tokenExpiresAt: launch.tokenExpiresAt,
    };
  }

  /** Whether a request parameter passes through to the target (its name has a configured prefix); it may repeat. */
  isPassThrough(name: string): boolean {
    return isPassThroughName(name, this.config.launchPassThroughPrefixes);
  }

  /** The request's parameters whose names have a configured prefix, in order (repeated names kept). */
  private passThroughOf(params: Readonly<Record<string, unknown>>): [string, string][] {
    const kept: [string, string][] = [];
    for (const [name, raw] of Object.entries(params)) {
      if (!this.isPassThrough(name)) continue;
      for (const value of Array.isArray(raw) ? (raw as unknown[]) : [raw]) {
        if (typeof value !== 'string') continue;
        if (value.length > MAX_PASS_THROUGH_VALUE) throw invalidRequest(`the pass-through parameter ${name} is longer than ${MAX_PASS_THROUGH_VALUE} characters`);
        kept.push([name, value]);
      }
    }
    if (kept.length > MAX_PASS_THROUGH) throw invalidRequest(`a launch link carries at most ${MAX_PASS_THROUGH} pass-through parameters`);
    return kept;
  }
}

/** The target: an absolute http(s) URL whose origin is exactly one the client allows; no credentials, query or fragment. */
function checkTarget(value: string, client: Client): string {
  if (value.length > MAX_TARGET_LENGTH) throw invalidRequest(`target is longer than ${MAX_TARGET_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidRequest('target must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalidRequest('target must be an http or https URL');
  if (url.username !== '' || url.password !== '') throw invalidRequest('target must not carry credentials');
  if (url.search !== '' || url.hash !== '') throw invalidRequest('target must not carry a query or a fragment; send pass-through parameters as fields of the request');
  if (!client.allowedOrigins.includes(url.origin)) throw invalidRequest("target's origin is not among the client's allowed origins");
  return url.href;
}
