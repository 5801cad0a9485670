/**
 * The worker side of SigningThread: signs the batches the main thread posts with node:crypto's
 * synchronous `sign`, with the keys it was given.
 */
import { sign } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { signArguments } from './signature-algorithms.js';
import type { SigningReply, SigningRequest } from './signing-protocol.js';

const port = parentPort;
if (!port) throw new Error('signing-worker runs as a worker thread');

const keys = new Map<number, { digest: string | null; key: ReturnType<typeof signArguments>['key'] }>();

function signOne(keyId: number, input: string): string | { error: string } {
  const key = keys.get(keyId);
  if (!key) return { error: `unknown signing key ${keyId}` };
  try {
    return sign(key.digest, Buffer.from(input), key.key).toString('base64url');
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

port.on('message', (request: SigningRequest) => {
  switch (request.kind) {
    case 'key':
      keys.set(request.keyId, signArguments(request.alg, request.key));
      return;
    case 'sign': {
      const reply: SigningReply = { batch: request.batch, signatures: request.inputs.map((input, index) => signOne(request.keyIds[index]!, input)) };
      port.postMessage(reply);
      return;
    }
    case 'close':
      port.close();
      return;
  }
});
