import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPage } from '../helpers/audit.js';
import { ROOT } from '../helpers/cli.js';
import { startTestServer, STORES, type TestServer } from '../helpers/test-server.js';

interface ErrorBody {
  error: string;
  error_description: string;
  field?: string;
}

/**
 * A registration-only custom check, as an operator writes one, in a folder of its own. It accepts the attestation
 * `attested:<client_name>` or a software statement whose payload names the app's software_id (a real check verifies
 * the statement's signature with the vendor's key; docs/security-checks.md shows one).
 */
function attestationCheck(): string {
  return `import { accept, defineSecurityCheck, refuse } from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist/index.js')).href)};

export default defineSecurityCheck({
  name: 'AppAttestation',
  register({ metadata, attestation, attestationSource, profile }) {
    if (attestation === undefined) return refuse('the registration carries no attestation', { error: 'invalid_software_statement' });
    if (attestationSource === 'software_statement') {
      const payload = JSON.parse(Buffer.from(String(attestation).split('.')[1], 'base64url').toString());
      return payload.software_id === 'com.example.app' ? accept() : refuse('unknown software_id');
    }
    if (attestation === 'attested:' + metadata.client_name && profile === 'attested') return accept();
    if (attestation === 'throw') throw new Error('vendor service down');
    return refuse('the attestation does not vouch for this app');
  },
});
`;
}

describe.each(STORES)('registration checks (RFC 7591) on %s', (store) => {
  let server: TestServer;
  let checksDir: string;
  let initialToken: string;
  let plainToken: string;
  let publicJwk: Record<string, unknown>;

  beforeAll(async () => {
    checksDir = mkdtempSync(join(tmpdir(), 'gatehouse-registration-checks-'));
    writeFileSync(join(checksDir, 'app-attestation.mjs'), attestationCheck());
    server = await startTestServer({ store, config: { checksDir, registrationsPerInitialAccessToken: 2 } });
    const profile = { registration_enabled: true, scope_element_mapping: { device: [] }, registration_checks: ['AppAttestation'] };
    expect((await server.admin('PUT', '/profiles/attested', profile)).status).toBe(201);
    expect((await server.admin('PUT', '/profiles/plain', { registration_enabled: true, scope_element_mapping: { device: [] } })).status).toBe(201);
    initialToken = ((await (await server.admin('POST', '/profiles/attested/initial-access-tokens', {})).json()) as { token: string }).token;
    plainToken = ((await (await server.admin('POST', '/profiles/plain/initial-access-tokens', {})).json()) as { token: string }).token;
    const pair = await generateKeyPair('ES256', { extractable: true });
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'instance-key', alg: 'ES256' };
  });
  afterAll(async () => {
    await server.close();
    rmSync(checksDir, { recursive: true, force: true });
  });

  const register = (body: Record<string, unknown>, token = initialToken) =>
    fetch(`${server.url}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  const clientCount = async () => (await server.gatehouse.store.db.selectFrom('clients').select('client_id').execute()).length;
  const statement = (claims: Record<string, unknown>) => `eyJhbGciOiJFUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2lnbmF0dXJl`;

  it('shows registration_checks on the profile and refuses checks without a register hook', async () => {
    const shown = (await (await server.admin('GET', '/profiles/attested')).json()) as Record<string, unknown>;
    expect(shown.registration_checks).toEqual(['AppAttestation']);
    const noHook = await server.admin('PATCH', '/profiles/plain', { registration_checks: ['PinCode'] });
    expect(noHook.status).toBe(400);
    expect(((await noHook.json()) as ErrorBody).field).toBe('registration_checks');
    expect((await server.admin('PATCH', '/profiles/plain', { registrationChecks: 'Nope' })).status).toBe(400);
  });

  it('refuses a registration whose attestation the check refuses: 400, audited, nothing written', async () => {
    const before = await clientCount();
    const refused = await register({ client_name: 'orders app', jwks: { keys: [publicJwk] }, attestation: 'attested:another app' });
    const body = (await refused.json()) as ErrorBody;
    expect(refused.status).toBe(400);
    expect(body).toEqual({ error: 'unapproved_software_statement', error_description: 'AppAttestation: the attestation does not vouch for this app' });

    const missing = await register({ client_name: 'orders app', jwks: { keys: [publicJwk] } });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as ErrorBody).error).toBe('invalid_software_statement');

    const broken = await register({ client_name: 'orders app', jwks: { keys: [publicJwk] }, attestation: 'throw' });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as ErrorBody).error_description).toBe('AppAttestation: the AppAttestation check could not be evaluated');

    const malformed = await register({ client_name: 'orders app', jwks: { keys: [publicJwk] }, software_statement: 'not a jwt' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as ErrorBody).error).toBe('invalid_software_statement');
    const unknownApp = await register({ client_name: 'orders app', jwks: { keys: [publicJwk] }, software_statement: statement({ software_id: 'com.evil' }) });
    expect(unknownApp.status).toBe(400);
    expect(((await unknownApp.json()) as ErrorBody).error).toBe('unapproved_software_statement');

    expect(await clientCount()).toBe(before);
    const audit = await auditPage(server, { action: 'client.register', outcome: 'failure' });
    expect(audit.events.map((event) => event.reason)).toContain('unapproved_software_statement: AppAttestation: the attestation does not vouch for this app');
  });

  it('registers an app whose attestation or software statement the check accepts; refusals spent no registration slot', async () => {
    // The initial access token registers at most 2 clients: the refusals above took none of them.
    const accepted = await register({ client_name: 'orders app', jwks: { keys: [publicJwk] }, attestation: 'attested:orders app' });
    expect(accepted.status, await accepted.clone().text()).toBe(201);
    const client = (await accepted.json()) as { client_id: string };
    expect(server.gatehouse.directory.get(client.client_id)?.profile).toBe('attested');
    const viaStatement = await register({ client_name: 'other app', jwks: { keys: [publicJwk] }, software_statement: statement({ software_id: 'com.example.app' }) });
    expect(viaStatement.status).toBe(201);
    const audit = await auditPage(server, { action: 'client.register', outcome: 'success' });
    expect(audit.events.map((event) => event.target)).toContain(client.client_id);
  });

  it('keeps refusing software statements under a profile without registration checks', async () => {
    const refused = await register({ jwks: { keys: [publicJwk] }, software_statement: statement({ software_id: 'com.example.app' }) }, plainToken);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as ErrorBody).error).toBe('invalid_software_statement');
    expect((await register({ jwks: { keys: [publicJwk] }, attestation: 'anything' }, plainToken)).status).toBe(201);
  });
});
