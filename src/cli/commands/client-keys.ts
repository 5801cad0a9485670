import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CLIENT_KEY_ALGS, type ClientKeyAlg } from '../../clients/client-keys.js';
import { CliError, printJson, withGatehouse } from '../context.js';

async function readKeyInput(source: string): Promise<unknown> {
  let text: string;
  if (source === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    text = Buffer.concat(chunks).toString('utf8');
  } else {
    try {
      text = readFileSync(source, 'utf8');
    } catch (error) {
      throw new CliError(`cannot read ${source} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      throw new CliError(`${source} is neither a JWK (valid JSON) nor a PEM or OpenSSH key`);
    }
  }
  return trimmed;
}

function parseAlg(alg: string | undefined): ClientKeyAlg | undefined {
  if (alg === undefined) return undefined;
  const found = CLIENT_KEY_ALGS.find((candidate) => candidate === alg);
  if (!found) throw new CliError(`--alg must be one of ${CLIENT_KEY_ALGS.join(', ')}`);
  return found;
}

/** `gatehouse clients keygen|add-key|keys|remove-key`: a client's public keys. */
export function registerClientKeyCommands(clients: Command): void {
  clients
    .command('keygen <client_id>')
    .description('generate a key pair for the client; prints the private key once (PEM) and keeps the public half')
    .option('--alg <alg>', `one of ${CLIENT_KEY_ALGS.join(', ')}`, 'ES256')
    .option('--kid <kid>', 'key id (default: the RFC 7638 thumbprint)')
    .option('--out <file>', 'write the private key to this file (mode 0600) instead of printing it')
    .option('--json', 'machine-readable output')
    .action(async (clientId: string, flags: { alg: string; kid?: string; out?: string; json?: boolean }, command: Command) => {
      const alg = parseAlg(flags.alg) ?? 'ES256';
      await withGatehouse(command, async (gatehouse) => {
        const { jwk, privateKeyPem } = await gatehouse.clients.generateKey(clientId, alg, flags.kid);
        if (flags.out) writeFileSync(flags.out, privateKeyPem, { mode: 0o600, flag: 'wx' });
        if (flags.json) printJson({ key: jwk, ...(flags.out ? { private_key_file: flags.out } : { private_key_pem: privateKeyPem }) });
        else {
          process.stdout.write(`key ${String(jwk.kid)} (${String(jwk.alg)}) registered on client ${clientId}\n`);
          process.stdout.write(flags.out ? `private key written to ${flags.out}\n` : `\n${privateKeyPem}\nStore the private key now: it is not shown again.\n`);
        }
      });
    });

  clients
    .command('add-key <client_id> <file>')
    .description('register a public key (JWK, PEM or OpenSSH line) read from a file, or - for standard input')
    .option('--kid <kid>', 'key id (default: the RFC 7638 thumbprint)')
    .option('--alg <alg>', 'PS256 for an RSA key that signs with PSS')
    .option('--json', 'machine-readable output')
    .action(async (clientId: string, file: string, flags: { kid?: string; alg?: string; json?: boolean }, command: Command) => {
      const key = await readKeyInput(file);
      const alg = parseAlg(flags.alg);
      await withGatehouse(command, async (gatehouse) => {
        const jwk = await gatehouse.clients.addKey(clientId, key, { kid: flags.kid, alg });
        if (flags.json) printJson({ key: jwk });
        else process.stdout.write(`key ${String(jwk.kid)} (${String(jwk.alg)}) registered on client ${clientId}\n`);
      });
    });

  clients
    .command('keys <client_id>')
    .description("list the client's public keys")
    .option('--json', 'machine-readable output')
    .action(async (clientId: string, flags: { json?: boolean }, command: Command) => {
      await withGatehouse(command, async (gatehouse) => {
        const keys = (await gatehouse.clients.get(clientId)).jwks?.keys ?? [];
        if (flags.json) printJson({ keys });
        else for (const key of keys) process.stdout.write(`${String(key.kid)}\t${String(key.alg ?? '')}\t${key.kty}\n`);
      });
    });

  clients
    .command('remove-key <client_id> <kid>')
    .description("remove one of the client's keys")
    .option('--json', 'machine-readable output')
    .action(async (clientId: string, kid: string, flags: { json?: boolean }, command: Command) => {
      await withGatehouse(command, async (gatehouse) => {
        await gatehouse.clients.removeKey(clientId, kid);
        if (flags.json) return printJson({ client_id: clientId, kid, removed: true });
        process.stdout.write(`key ${kid} removed from client ${clientId}\n`);
      });
    });
}
