import { FieldValidationError } from '../shared/errors.js';

/** What an account may do: `admin` changes everything, `auditor` only reads. */
export const ADMIN_ROLES = ['admin', 'auditor'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

/** An administrator of the web console. The password exists only as an argon2id hash. */
export interface AdminAccount {
  id: string;
  username: string;
  passwordHash: string;
  role: AdminRole;
  createdAt: number;
  updatedAt: number;
}

export const MIN_ADMIN_PASSWORD_LENGTH = 12;
const MAX_ADMIN_PASSWORD_LENGTH = 1024;

export function parseAdminUsername(value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/.test(value)) {
    throw new FieldValidationError('username', "must be 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit");
  }
  return value;
}

export function parseAdminPassword(value: unknown): string {
  if (typeof value !== 'string' || value.length < MIN_ADMIN_PASSWORD_LENGTH || value.length > MAX_ADMIN_PASSWORD_LENGTH) {
    throw new FieldValidationError('password', `must be ${MIN_ADMIN_PASSWORD_LENGTH} to ${MAX_ADMIN_PASSWORD_LENGTH} characters`);
  }
  return value;
}

export function parseAdminRole(value: unknown): AdminRole {
  if (typeof value !== 'string' || !(ADMIN_ROLES as readonly string[]).includes(value)) {
    throw new FieldValidationError('role', `must be one of ${ADMIN_ROLES.join(', ')}`);
  }
  return value as AdminRole;
}

/** What lists and APIs show of an administrator: never the hash. */
export function toAdminJson(admin: AdminAccount): { id: string; username: string; role: AdminRole; created_at: string; updated_at: string } {
  return { id: admin.id, username: admin.username, role: admin.role, created_at: new Date(admin.createdAt).toISOString(), updated_at: new Date(admin.updatedAt).toISOString() };
}
