import { startProcess, type BenchServer } from '../server.js';

export type Peer = 'oidc-provider' | 'bare';

const SCRIPTS: Record<Peer, { script: string; readyPath: string }> = {
  'oidc-provider': { script: 'bench/peer/oidc-provider.ts', readyPath: '/.well-known/openid-configuration' },
  bare: { script: 'bench/peer/bare.ts', readyPath: '/' },
};

/** Starts a peer server in its own node process (TypeScript through tsx's loader: it only compiles at load). */
export function startPeer(peer: Peer): Promise<BenchServer> {
  const { script, readyPath } = SCRIPTS[peer];
  return startProcess({ args: ['--import', 'tsx', script], env: { NODE_ENV: 'production' }, readyPath });
}
