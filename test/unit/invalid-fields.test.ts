import { describe, expect, it } from 'vitest';
import { namingFlags } from '../../src/cli/flag-errors.js';
import { errorBodyOf } from '../../src/server/error-handler.js';
import { checkFields, FieldValidationError, InvalidFieldsError, problemsOf } from '../../src/shared/errors.js';

function refuse(field: string, reason: string): never {
  throw new FieldValidationError(field, reason);
}

describe('checkFields', () => {
  it('answers every result by name when every check passes', () => {
    expect(checkFields({ a: () => 1, b: () => 'two' })).toEqual({ a: 1, b: 'two' });
  });

  it('throws the one FieldValidationError itself when one field fails', () => {
    const only = new FieldValidationError('b', 'is wrong');
    let caught: unknown;
    try {
      checkFields({
        a: () => 1,
        b: () => {
          throw only;
        },
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(only);
  });

  it('runs every check and reports every failed field together, in order', () => {
    let caught: unknown;
    try {
      checkFields({ a: () => refuse('a', 'is required'), b: () => 2, c: () => refuse('c', "must be a colour; 'blue' is not") });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidFieldsError);
    const error = caught as InvalidFieldsError;
    expect(error).toBeInstanceOf(FieldValidationError);
    expect(error.field).toBe('a');
    expect(error.problems).toEqual([
      { field: 'a', reason: 'is required' },
      { field: 'c', reason: "must be a colour; 'blue' is not" },
    ]);
    expect(error.message).toBe("a: is required; c: must be a colour; 'blue' is not");
  });

  it('flattens a nested InvalidFieldsError and lets other errors through at once', () => {
    let caught: unknown;
    try {
      checkFields({ x: () => checkFields({ p: () => refuse('p', '1'), q: () => refuse('q', '2') }), y: () => refuse('y', '3') });
    } catch (error) {
      caught = error;
    }
    expect(problemsOf(caught as FieldValidationError).map((problem) => problem.field)).toEqual(['p', 'q', 'y']);
    const boom = new TypeError('boom');
    let after = false;
    expect(() =>
      checkFields({
        a: () => {
          throw boom;
        },
        b: () => (after = true),
      }),
    ).toThrow(boom);
    expect(after).toBe(false);
  });
});

describe('the refusal body', () => {
  it('lists every field when several are invalid, and keeps field as the first', () => {
    const body = errorBodyOf(
      new InvalidFieldsError([
        { field: 'name', reason: 'is required' },
        { field: 'lifetime', reason: "'é' is not a number" },
      ]),
    );
    expect(body).toEqual({
      error: 'invalid_request',
      error_description: "name: is required; lifetime: 'é' is not a number",
      field: 'name',
      fields: [
        { field: 'name', description: 'is required' },
        { field: 'lifetime', description: "'é' is not a number" },
      ],
    });
  });

  it('has no fields member for a single invalid field', () => {
    expect(errorBodyOf(new FieldValidationError('name', 'is required'))).toEqual({ error: 'invalid_request', error_description: 'name: is required', field: 'name' });
  });
});

describe('namingFlags', () => {
  it('renames every field of several problems to its flag', async () => {
    const failing = namingFlags({ access_token_lifetime: '--lifetime' }, () => checkFields({ a: () => refuse('access_token_lifetime', 'too long'), b: () => refuse('client_name', 'is required') }));
    await expect(failing).rejects.toMatchObject({ message: '--lifetime: too long; client_name: is required', problems: [{ field: '--lifetime' }, { field: 'client_name' }] });
  });
});
