import { authorizationServerMetadataUrl, trimIssuer } from '../shared/authorization-server-metadata-url.js';
import { GatehouseResponseError } from './errors.js';
import { networkErrorsNamed } from './network.js';

/** The RFC 8414 metadata fields the SDK uses (the server sends more). */
export interface AuthorizationServerMetadata {
  issuer: string;
  token_endpoint: string;
  revocation_endpoint?: string;
  introspection_endpoint?: string;
  jwks_uri?: string;
  token_endpoint_auth_methods_supported?: string[];
  grant_types_supported?: string[];
  /** The code flow (RFC 6749 §3.1), OpenID Connect and RFC 9207. */
  authorization_endpoint?: string;
  userinfo_endpoint?: string;
  end_session_endpoint?: string;
  code_challenge_methods_supported?: string[];
  authorization_response_iss_parameter_supported?: boolean;
  [name: string]: unknown;
}

/** The RFC 8414 §3.1 metadata URL (one function, shared with gatehouse/resource-server). */
export { authorizationServerMetadataUrl as metadataUrl, trimIssuer };

/** The OpenID Connect Discovery 1.0 §4 URL: the issuer, then `/.well-known/openid-configuration`. */
export function openIdConfigurationUrl(issuer: string): string {
  return `${trimIssuer(issuer)}/.well-known/openid-configuration`;
}

/**
 * Reads the issuer's metadata. Checks that the document names the same issuer (RFC 8414 §3.3) and a token
 * endpoint, so that a misconfigured URL fails here and not with a confusing token error.
 */
export function discoverMetadata(issuer: string, fetchImpl: typeof fetch): Promise<AuthorizationServerMetadata> {
  return readMetadata(authorizationServerMetadataUrl(issuer), issuer, fetchImpl);
}

/** Reads the issuer's OpenID Connect configuration (OIDC Discovery 1.0), checked as `discoverMetadata` checks. */
export function discoverOpenIdConfiguration(issuer: string, fetchImpl: typeof fetch): Promise<AuthorizationServerMetadata> {
  return readMetadata(openIdConfigurationUrl(issuer), issuer, fetchImpl);
}

async function readMetadata(url: string, issuer: string, fetchImpl: typeof fetch): Promise<AuthorizationServerMetadata> {
  const response = await networkErrorsNamed(fetchImpl)(url, { headers: { accept: 'application/json' }, credentials: 'omit' });
  if (!response.ok) throw new GatehouseResponseError(`the authorization server metadata at ${url} answered ${response.status}`, response.status);
  let document: unknown;
  try {
    document = await response.json();
  } catch {
    throw new GatehouseResponseError(`the authorization server metadata at ${url} is not JSON`, response.status);
  }
  const metadata = document as Partial<AuthorizationServerMetadata> | null;
  if (metadata === null || typeof metadata !== 'object' || typeof metadata.issuer !== 'string' || typeof metadata.token_endpoint !== 'string') {
    throw new GatehouseResponseError(`the authorization server metadata at ${url} lacks issuer or token_endpoint`, response.status);
  }
  if (trimIssuer(metadata.issuer) !== trimIssuer(issuer)) {
    throw new GatehouseResponseError(`the metadata at ${url} is of the issuer ${metadata.issuer}, not ${issuer}`, response.status);
  }
  return metadata as AuthorizationServerMetadata;
}
