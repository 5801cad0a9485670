import type { FastifyRequest } from 'fastify';
import type { TokenRequestFacts } from '../security-gate.js';

/** What the security checks learn about a token request. */
export function facts(request: FastifyRequest, grantType: string, method: TokenRequestFacts['clientAuthMethod']): TokenRequestFacts {
  return { sourceAddress: request.ip, grantType, clientAuthMethod: method, keyProven: method === 'private_key_jwt', headers: request.headers };
}

/** What the token endpoints report; a no-op when metrics are off (server/metrics.ts implements it). */
export interface TokenMetrics {
  tokenIssued(grantType: string, clientId: string): void;
}
