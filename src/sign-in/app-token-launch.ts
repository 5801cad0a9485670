/**
 * Embedding hand-off (issue 20): a one-time launch link that a server holding an application token asks for,
 * and that a browser opens once to get the token as its cookie and land on the target. The link's random id is
 * stored only as a keyed digest; the token only sealed with a key derived from that id (see keys/launch-token-seal.ts).
 */
export interface AppTokenLaunch {
  /** Keyed digest of the random id in `${LAUNCH_PATH}/<id>`. */
  idDigest: string;
  clientId: string;
  /** The token's `sub` and `jti` (for the audit log; never the token). */
  subject: string;
  jti: string;
  /** The access token, sealed (AES-256-GCM with a key derived from the link's id and the master secret). */
  sealedToken: string;
  /** When the token itself expires, epoch ms. */
  tokenExpiresAt: number;
  /** Where the browser goes: an origin the client allows, with a path; no query, no fragment. */
  target: string;
  /** The pass-through parameters the link adds to the target's query, in order (names with the configured prefixes). */
  passThrough: [name: string, value: string][];
  createdAt: number;
  /** The link opens until this time, epoch ms. */
  expiresAt: number;
  /** When the link was opened; null while it has not been. */
  usedAt: number | null;
}

/** Why a launch link does not open: unknown (never issued, or purged) or already over (used or expired). */
export type LaunchLinkState = 'unknown' | 'used' | 'expired';

/** What launch links need from storage; `store/` implements it. */
export interface AppTokenLaunchesStore {
  insert(launch: AppTokenLaunch): Promise<void>;
  /**
   * Marks the link used and returns it, when it exists, is unused and has not expired at `now`: one atomic
   * `UPDATE ... WHERE used_at IS NULL ... RETURNING`, so of concurrent opens (on any instance) exactly one gets it.
   */
  take(idDigest: string, now: number): Promise<AppTokenLaunch | undefined>;
  /** Why a link that `take` did not give is not usable, and whose link it was (when it is known). */
  stateOf(idDigest: string, now: number): Promise<{ state: LaunchLinkState; clientId?: string }>;
}

/** The launch request's own parameters: never passed through, whatever the prefixes (a prefix `c` must not forward the secret). */
export const LAUNCH_REQUEST_PARAMETERS: ReadonlySet<string> = new Set(['access_token', 'target', 'client_id', 'client_secret', 'client_assertion', 'client_assertion_type']);

/** Whether a parameter name is passed through to the target: it starts with one of the configured prefixes and is not one of the request's own. */
export function isPassThroughName(name: string, prefixes: readonly string[]): boolean {
  return !LAUNCH_REQUEST_PARAMETERS.has(name) && prefixes.some((prefix) => name.startsWith(prefix));
}
