import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { AdminNotFoundError } from '../../src/admin-accounts/admin-accounts.js';
import { ClientValidationError } from '../../src/clients/client-metadata.js';
import { ClientKeyNotFoundError, ClientNotFoundError } from '../../src/clients/client-registry.js';
import { errorBodyOf, installErrorHandling, STATUS_BY_BASE, statusOf } from '../../src/server/error-handler.js';
import { InitialAccessTokenNotFoundError } from '../../src/security/initial-access-tokens.js';
import { DuplicateProfileError, ProfileInUseError, ProfileNotFoundError, ProfileValidationError } from '../../src/security/security-profile.js';
import { ConflictError, FieldValidationError, ForbiddenError, GatehouseError, NotFoundError, UnauthorizedError, UnavailableError } from '../../src/shared/errors.js';
import { DuplicateAdminError } from '../../src/store/admins-repository.js';
import { DuplicateClientError } from '../../src/store/clients-repository.js';
import { StoreTimeoutError, StoreUnavailableError } from '../../src/shared/store-errors.js';
import { DuplicateUsernameError } from '../../src/store/users-repository.js';
import { UserValidationError } from '../../src/users/user-input.js';
import { UserNotFoundError } from '../../src/users/user-registry.js';

class SomeNotFound extends NotFoundError {}
class SomeConflict extends ConflictError {}
class SomeUnauthorized extends UnauthorizedError {}
class SomeForbidden extends ForbiddenError {}
class SomeUnavailable extends UnavailableError {}

describe('error base classes', () => {
  it.each([
    [new SomeNotFound('m'), 'not_found', 404],
    [new SomeConflict('m'), 'conflict', 409],
    [new FieldValidationError('f', 'm'), 'invalid_request', 400],
    [new SomeUnauthorized('m'), 'unauthorized', 401],
    [new SomeForbidden('m'), 'forbidden', 403],
    [new SomeUnavailable('m'), 'temporarily_unavailable', 503],
  ] as const)('%s has code %s and maps to %i', (error, code, status) => {
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(GatehouseError);
    expect(error.code).toBe(code);
    expect(statusOf(error)).toBe(status);
  });

  it('maps each base to exactly one status', () => {
    expect(STATUS_BY_BASE.map(([base, status]) => [base.name, status])).toEqual([
      ['FieldValidationError', 400],
      ['UnauthorizedError', 401],
      ['ForbiddenError', 403],
      ['NotFoundError', 404],
      ['ConflictError', 409],
      ['UnavailableError', 503],
    ]);
  });

  it('keeps FieldValidationError as it was: field, reason, "field: reason" and its name', () => {
    const error = new FieldValidationError('limit', 'must be an integer');
    expect([error.name, error.field, error.reason, error.message]).toEqual(['FieldValidationError', 'limit', 'must be an integer', 'limit: must be an integer']);
    expect(errorBodyOf(error)).toEqual({ error: 'invalid_request', error_description: 'limit: must be an integer', field: 'limit' });
  });

  it('names the conflicting field only when there is one', () => {
    expect(errorBodyOf(new SomeConflict('taken', 'name'))).toEqual({ error: 'conflict', error_description: 'taken', field: 'name' });
    expect(Object.keys(errorBodyOf(new SomeConflict('in use')))).toEqual(['error', 'error_description']);
  });
});

/** Every domain error, its base, and the status and body the admin API answers with (as before the bases). */
const DOMAIN_ERRORS: Array<[error: GatehouseError, base: abstract new (...args: never[]) => GatehouseError, status: number, body: Record<string, string>]> = [
  [new ClientNotFoundError('c1'), NotFoundError, 404, { error: 'not_found', error_description: "no client with id 'c1'" }],
  [new ClientKeyNotFoundError('k1'), NotFoundError, 404, { error: 'not_found', error_description: "the client has no key 'k1'" }],
  [new UserNotFoundError('u1'), NotFoundError, 404, { error: 'not_found', error_description: "no user with id or username 'u1'" }],
  [new AdminNotFoundError('root'), NotFoundError, 404, { error: 'not_found', error_description: "no administrator 'root'" }],
  [new ProfileNotFoundError('p'), NotFoundError, 404, { error: 'not_found', error_description: "no security profile named 'p'" }],
  [new InitialAccessTokenNotFoundError('t1'), NotFoundError, 404, { error: 'not_found', error_description: "no initial access token 't1' for this profile" }],
  [new DuplicateClientError('c1'), ConflictError, 409, { error: 'conflict', error_description: "a client with id 'c1' already exists", field: 'client_id' }],
  [new DuplicateUsernameError('ann'), ConflictError, 409, { error: 'conflict', error_description: "the username 'ann' is taken", field: 'username' }],
  [new DuplicateAdminError('root'), ConflictError, 409, { error: 'conflict', error_description: "the administrator 'root' exists already", field: 'username' }],
  [new DuplicateProfileError('p'), ConflictError, 409, { error: 'conflict', error_description: "a security profile named 'p' already exists", field: 'name' }],
  [new ProfileInUseError('p', 2), ConflictError, 409, { error: 'conflict', error_description: "the security profile 'p' is used by 2 client(s); move them to another profile first" }],
  [new ClientValidationError('scope', 'bad'), FieldValidationError, 400, { error: 'invalid_client_metadata', error_description: 'scope: bad', field: 'scope' }],
  [new UserValidationError('email', 'bad'), FieldValidationError, 400, { error: 'invalid_request', error_description: 'email: bad', field: 'email' }],
  [new ProfileValidationError('checks', 'bad'), FieldValidationError, 400, { error: 'invalid_request', error_description: 'checks: bad', field: 'checks' }],
  [new StoreUnavailableError('down'), UnavailableError, 503, { error: 'temporarily_unavailable', error_description: 'the database is unavailable; try again shortly' }],
  [new StoreTimeoutError('slow'), UnavailableError, 503, { error: 'temporarily_unavailable', error_description: 'the database is unavailable; try again shortly' }],
];

describe('domain errors', () => {
  it.each(DOMAIN_ERRORS)('%s extends its base and keeps its status', (error, base, status) => {
    expect(error).toBeInstanceOf(base);
    expect(statusOf(error)).toBe(status);
  });

  it('leave the HTTP error handler with the status and body they always had', async () => {
    const app = Fastify();
    installErrorHandling(app);
    app.get('/fail/:index', (request) => {
      throw DOMAIN_ERRORS[Number((request.params as { index: string }).index)]![0];
    });
    try {
      for (const [index, [error, , status, body]] of DOMAIN_ERRORS.entries()) {
        const response = await app.inject({ method: 'GET', url: `/fail/${index}` });
        expect([error.name, response.statusCode, response.json()]).toEqual([error.name, status, body]);
        if (status === 503) expect(response.headers['retry-after']).toBe('5');
      }
    } finally {
      await app.close();
    }
  });
});
