import { authorizationServerMetadataUrl, trimIssuer } from '../shared/authorization-server-metadata-url.js';
import { GatehouseResponseError } from './errors.js';

/** The RFC 8414 metadata fields the SDK uses (the server sends more). */
export interface AuthorizationServerMetadata {
  issuer: string;
  token_endpoint: string;
  revocation_endpoint?: string;
  introspection_endpoint?: string;
  jwks_uri?: string;
  token_endpoint_auth_methods_supported?: string[];
  grant_types_supported?: string[];
  [name: string]: unknown;
}

/** The RFC 8414 §3.1 metadata URL (one function, shared with gatehouse/resource-server). */
export { authorizationServerMetadataUrl as metadataUrl, trimIssuer };

/**
 * Reads the issuer's metadata. Checks that the document names the same issuer (RFC 8414 §3.3) and a token
 * endpoint, so that a misconfigured URL fails here and not with a confusing token error.
 */
export async function discoverMetadata(issuer: string, fetchImpl: typeof fetch): Promise<AuthorizationServerMetadata> {
  const url = authorizationServerMetadataUrl(issuer);
  const response = await fetchImpl(url, { headers: { accept: 'application/json' }, credentials: 'omit' });
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
