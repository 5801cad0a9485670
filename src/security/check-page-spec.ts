import { quoteValue } from '../shared/quote-value.js';

/**
 * What a security check declares about its page on the hosted sign-in pages: the fields its challenge needs,
 * so that a custom check gets a page without writing HTML. sign-in-pages renders them (its PageField is this type).
 */

/** One input of a check's page. */
export interface PageFieldSpec {
  /** The form field's name; the answer's property of the same name. */
  name: string;
  /** Label text, or a message key of the sign-in pages' locale files (`field.<name>`). */
  label: string;
  type: 'text' | 'password' | 'number' | 'checkbox' | 'email';
  /** The HTML autocomplete token (`username`, `current-password`, `one-time-code`, ...). */
  autocomplete?: string;
  inputMode?: 'text' | 'numeric';
  required?: boolean;
}

export interface CheckPage<Answer = unknown> {
  fields: PageFieldSpec[];
  /** Turns the submitted values (checkboxes "true" or "false", absent texts "") into the check's answer; by default an object of them. */
  answer?: (values: Record<string, string>) => Answer;
}

/** A field name that is safe as a form name and an element id. */
export const PAGE_FIELD_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

const FIELD_TYPES: ReadonlySet<string> = new Set(['text', 'password', 'number', 'checkbox', 'email']);
const AUTOCOMPLETE = /^[a-z][a-z0-9 -]{0,63}$/;
/** Names the pages use themselves. */
const RESERVED_NAMES: ReadonlySet<string> = new Set(['csrf', 'decision']);

/** What is wrong with a declared page, or undefined when it is fine. */
export function checkPageProblem(page: unknown): string | undefined {
  if (typeof page !== 'object' || page === null) return 'must be an object with fields';
  const { fields, answer } = page as Record<string, unknown>;
  if (answer !== undefined && typeof answer !== 'function') return 'answer must be a function';
  if (!Array.isArray(fields) || fields.length === 0) return 'fields must be a non-empty list';
  const names = new Set<string>();
  for (const field of fields as unknown[]) {
    if (typeof field !== 'object' || field === null) return 'fields must be objects';
    const { name, label, type, autocomplete, inputMode, required } = field as Record<string, unknown>;
    if (typeof name !== 'string' || !PAGE_FIELD_NAME.test(name) || RESERVED_NAMES.has(name))
      return `field name ${quoteValue(name)} must be 1-64 letters, digits, ".", "_" or "-", starting with a letter (not csrf or decision)`;
    if (names.has(name)) return `field ${name} is declared twice`;
    names.add(name);
    if (typeof label !== 'string' || label.trim() === '' || label.length > 200) return `field ${name}: label must be a text of 1 to 200 characters`;
    if (typeof type !== 'string' || !FIELD_TYPES.has(type)) return `field ${name}: type must be text, password, number, checkbox or email`;
    if (autocomplete !== undefined && (typeof autocomplete !== 'string' || !AUTOCOMPLETE.test(autocomplete))) return `field ${name}: autocomplete must be an autocomplete token`;
    if (inputMode !== undefined && inputMode !== 'text' && inputMode !== 'numeric') return `field ${name}: inputMode must be text or numeric`;
    if (required !== undefined && typeof required !== 'boolean') return `field ${name}: required must be true or false`;
  }
  return undefined;
}
