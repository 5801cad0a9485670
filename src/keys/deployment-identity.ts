import { createHmac, hkdfSync } from 'node:crypto';
import { sameText } from '../shared/same-text.js';
import { ConfigError } from '../config/config-schema.js';

/** The named values this check reads and writes (the store's settings). */
export interface IdentitySettings {
  get(name: string): Promise<string | undefined>;
  setIfAbsent(name: string, value: string): Promise<boolean>;
  set(name: string, value: string): Promise<void>;
}

/** The issuer every instance on the database uses. */
export const ISSUER_SETTING = 'deployment.issuer';
/** An HMAC of a fixed label under a key derived from the master secret: proves the secret, reveals nothing of it. */
export const MASTER_SECRET_VERIFIER_SETTING = 'deployment.master_secret_verifier';

const VERIFIER_LABEL = 'gatehouse master secret verifier';
/** Characters of the verifier shown in messages, to tell two secrets apart. */
const FINGERPRINT_LENGTH = 12;

/** The verifier of a master secret (base64url HMAC-SHA256); safe to store and to show in part. */
export function masterSecretVerifier(masterSecret: Buffer): string {
  const key = Buffer.from(hkdfSync('sha256', masterSecret, Buffer.alloc(0), 'gatehouse/v1/secret-verifier', 32));
  return createHmac('sha256', key).update(VERIFIER_LABEL).digest('base64url');
}

/**
 * Instances that share a database must agree on the master secret (always checked, recorded by the first
 * open) and, for instances that serve (`checkIssuer`), on the issuer (recorded by the first one that serves):
 * tokens signed under one issuer are refused, and cannot be revoked, by instances with another. A mismatch
 * throws a ConfigError naming both issuers, or the fingerprints of both secrets (never a secret).
 */
export async function checkDeploymentIdentity(settings: IdentitySettings, options: { issuer: string; masterSecret: Buffer; checkIssuer: boolean }): Promise<void> {
  const verifier = masterSecretVerifier(options.masterSecret);
  await settings.setIfAbsent(MASTER_SECRET_VERIFIER_SETTING, verifier);
  const recordedVerifier = await settings.get(MASTER_SECRET_VERIFIER_SETTING);
  if (recordedVerifier !== undefined && !sameText(recordedVerifier, verifier)) {
    throw new ConfigError(
      'GATEHOUSE_SECRET',
      `the master secret differs from the one this database was set up with (fingerprint ${verifier.slice(0, FINGERPRINT_LENGTH)} here, ` +
        `${recordedVerifier.slice(0, FINGERPRINT_LENGTH)} recorded); every instance on one database needs the same GATEHOUSE_SECRET ` +
        '(or the same master.key in its data folder)',
    );
  }
  if (!options.checkIssuer) return;
  await settings.setIfAbsent(ISSUER_SETTING, options.issuer);
  const recordedIssuer = await settings.get(ISSUER_SETTING);
  if (recordedIssuer !== undefined && recordedIssuer !== options.issuer) {
    throw new ConfigError(
      'GATEHOUSE_ISSUER',
      `this instance's issuer ${options.issuer} differs from ${recordedIssuer}, the issuer of the instances that share this database; ` +
        'every instance on one database needs the same issuer. To change it on purpose, run: gatehouse issuer set <new issuer URL>',
    );
  }
}

/** The deliberate issuer change: records `issuer` as the one every instance on the database must use. */
export async function recordIssuer(settings: IdentitySettings, issuer: string): Promise<string | undefined> {
  const previous = await settings.get(ISSUER_SETTING);
  await settings.set(ISSUER_SETTING, issuer);
  return previous;
}
