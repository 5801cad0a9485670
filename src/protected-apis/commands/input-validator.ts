import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { FieldValidationError } from '../../shared/errors.js';
import type { JsonSchema } from './command.js';

const ajv = new Ajv({ allErrors: false, strict: false, coerceTypes: false, useDefaults: true });

/** The field an Ajv error is about: the missing or extra property, or the path of the bad value. */
function fieldOf(error: ErrorObject): string {
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const child = params.missingProperty ?? params.additionalProperty;
  if (child !== undefined) return path === '' ? child : `${path}.${child}`;
  return path === '' ? 'input' : path;
}

/** How deeply a command's input may nest arrays and objects: deeper input would overflow the stack of recursive code. */
export const MAX_INPUT_DEPTH = 64;

/** Refuses input nested deeper than MAX_INPUT_DEPTH, walking it without recursion. */
export function checkInputDepth(input: unknown): void {
  const pending: { value: unknown; depth: number }[] = [{ value: input, depth: 0 }];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const { value, depth } = item;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) throw new FieldValidationError('input', `is nested more than ${MAX_INPUT_DEPTH} levels deep`);
    for (const child of Object.values(value)) pending.push({ value: child, depth: depth + 1 });
  }
}

/** Compiles a command's input schema once; the returned check throws a FieldValidationError. */
export function compileInputValidator(schema: JsonSchema | undefined, label: string): (input: unknown) => void {
  if (!schema) return () => undefined;
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    throw new Error(`${label}: the input schema is not valid: ${(error as Error).message}`);
  }
  return (input) => {
    if (validate(input)) return;
    const error = validate.errors?.[0];
    if (!error) throw new FieldValidationError('input', 'does not match the schema');
    const field = fieldOf(error);
    throw new FieldValidationError(field, error.keyword === 'additionalProperties' ? 'is not an allowed field' : (error.message ?? 'is not valid'));
  };
}
