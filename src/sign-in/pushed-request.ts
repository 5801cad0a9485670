/** RFC 9126: an authorization request a client pushed to the server, named by a one-time request_uri. */
export interface PushedRequest {
  /** Keyed digest of the random part of `urn:ietf:params:oauth:request_uri:<random>`. */
  requestUriDigest: string;
  clientId: string;
  /** The request's parameters as pushed (the client authenticated when it pushed them). */
  params: Record<string, string>;
  createdAt: number;
  expiresAt: number;
}

/** RFC 9126 §2.2 `expires_in` of a pushed request, seconds. */
export const PUSHED_REQUEST_LIFETIME_S = 60;
export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';

/** What pushed requests need from storage; `store/` implements it. */
export interface PushedRequestsStore {
  insert(request: PushedRequest): Promise<void>;
  /** Removes and returns the request when it exists, belongs to `clientId` and has not expired at `now` (single use). */
  take(requestUriDigest: string, clientId: string, now: number): Promise<PushedRequest | undefined>;
}
