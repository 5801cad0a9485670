import { describe, expect, it, vi } from 'vitest';
import { CheckRegistry } from '../../src/security/check-registry.js';
import { runRegistrationChecks } from '../../src/security/registration-checks.js';
import { accept, defineSecurityCheck, refuse, SecurityCheckDefinitionError, success, type RegistrationCheckContext } from '../../src/security/security-check.js';

const context: RegistrationCheckContext = {
  metadata: { client_name: 'app' },
  attestation: 'evidence',
  attestationSource: 'attestation',
  profile: 'mobile',
  policy: 'initial-access-token',
  request: { sourceAddress: '127.0.0.1', headers: {} },
  now: 0,
};

describe('registration checks', () => {
  it('defines registration-only checks that fail closed at the token endpoint', async () => {
    const check = defineSecurityCheck({ name: 'AppAttestation', register: () => accept() });
    expect(check.successLifetime).toBe(1);
    expect(await check.evaluate({} as never)).toEqual({ kind: 'failure', reason: 'the AppAttestation check runs only at registration' });
    expect(() => defineSecurityCheck({ name: 'Nothing' } as never)).toThrow(SecurityCheckDefinitionError);
    expect(() => defineSecurityCheck({ name: 'Bad', register: 'yes' } as never)).toThrow(/register must be a function/);
    const both = defineSecurityCheck({ name: 'Both', successLifetime: 60, evaluate: () => success(), register: () => accept() });
    expect(new CheckRegistry([both, check, defineSecurityCheck({ name: 'TokenOnly', successLifetime: 1, evaluate: () => success() })]).registrationCheckNames()).toEqual(['AppAttestation', 'Both']);
  });

  it('runs the checks in order; the first refusal stops; anything else fails closed', async () => {
    const logger = { error: vi.fn() };
    const seen: string[] = [];
    const registry = new CheckRegistry([
      defineSecurityCheck({ name: 'First', register: (given) => (seen.push(`First:${String(given.attestation)}`), accept()) }),
      defineSecurityCheck({ name: 'Refuses', register: () => refuse('not this app') }),
      defineSecurityCheck({ name: 'Invalid', register: () => refuse('no evidence', { error: 'invalid_software_statement' }) }),
      defineSecurityCheck({ name: 'Throws', register: () => Promise.reject(new Error('down')) }),
      defineSecurityCheck({ name: 'Nonsense', register: () => ({ kind: 'maybe' }) as never }),
      defineSecurityCheck({ name: 'TokenOnly', successLifetime: 1, evaluate: () => success() }),
    ]);
    expect(await runRegistrationChecks(registry, ['First'], context, logger)).toBeUndefined();
    expect(await runRegistrationChecks(registry, ['First', 'Refuses', 'Invalid'], context, logger)).toEqual({ check: 'Refuses', error: 'unapproved_software_statement', reason: 'not this app' });
    expect(seen).toEqual(['First:evidence', 'First:evidence']);
    expect(await runRegistrationChecks(registry, ['Invalid'], context, logger)).toEqual({ check: 'Invalid', error: 'invalid_software_statement', reason: 'no evidence' });
    for (const name of ['Throws', 'Nonsense', 'TokenOnly', 'Missing']) {
      expect(await runRegistrationChecks(registry, [name], context, logger)).toEqual({ check: name, error: 'unapproved_software_statement', reason: `the ${name} check could not be evaluated` });
    }
    expect(logger.error).toHaveBeenCalledTimes(4);
  });
});
