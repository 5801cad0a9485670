import { PAGE_FIELD_NAME, type PageFieldSpec } from './check-page-spec.js';
import type { SecurityCheck, SecurityCheckDefinition } from './security-check.js';

export type { CheckPage, PageFieldSpec } from './check-page-spec.js';

type CheckWithPage = Pick<SecurityCheckDefinition, 'page'> | SecurityCheck;

/** The field of a check that declares none and whose challenge names none. */
const ANSWER_FIELD: PageFieldSpec = { name: 'answer', label: 'field.answer', type: 'text', required: true };

/** Field names that take a password input when a challenge names them. */
const SECRET_NAME = /password|pin/i;

/**
 * The fields of a check's page: the ones it declares; else the challenge's `fields` (a list of names) as text
 * inputs (password inputs for names with "password" or "pin"); else one text field `answer`.
 */
export function checkPageFields(check: CheckWithPage, challenge: Record<string, unknown>): PageFieldSpec[] {
  if (check.page !== undefined) return check.page.fields.map((field) => ({ ...field }));
  const derived = derivedFields(challenge);
  return derived.length > 0 ? derived : [{ ...ANSWER_FIELD }];
}

function derivedFields(challenge: Record<string, unknown>): PageFieldSpec[] {
  const names = challenge.fields;
  if (!Array.isArray(names)) return [];
  const unique = [...new Set(names.filter((name): name is string => typeof name === 'string' && PAGE_FIELD_NAME.test(name) && name !== 'csrf' && name !== 'decision'))];
  return unique.map((name) => ({ name, label: `field.${name}`, type: SECRET_NAME.test(name) ? 'password' : 'text' }));
}

/**
 * The check's answer from a submitted page: its declared `answer` function; else an object of the fields'
 * values (checkboxes as booleans, absent texts as ""); a lone field named `answer` gives the string itself.
 * Checks without declared fields need the challenge the page showed, to know its fields; without it the
 * submitted fields other than csrf are taken.
 */
export function checkAnswerFromForm(check: CheckWithPage, form: Record<string, string>, challenge?: Record<string, unknown>): unknown {
  const fields = check.page !== undefined || challenge !== undefined ? checkPageFields(check, challenge ?? {}) : submittedFields(form);
  const values: Record<string, string> = {};
  for (const field of fields) values[field.name] = field.type === 'checkbox' ? (isChecked(form[field.name]) ? 'true' : 'false') : (form[field.name] ?? '');
  if (check.page?.answer !== undefined) return check.page.answer(values);
  if (fields.length === 1 && fields[0]?.name === 'answer' && fields[0].type !== 'checkbox') return values.answer;
  const answer: Record<string, string | boolean> = {};
  for (const field of fields) answer[field.name] = field.type === 'checkbox' ? values[field.name] === 'true' : (values[field.name] ?? '');
  return answer;
}

function submittedFields(form: Record<string, string>): PageFieldSpec[] {
  const fields = derivedFields({ fields: Object.keys(form) });
  return fields.length > 0 ? fields : [{ ...ANSWER_FIELD }];
}

/** A checkbox is on when it was submitted with any value but an explicit "off". */
function isChecked(value: string | undefined): boolean {
  return value !== undefined && !['', 'false', 'off', '0'].includes(value.toLowerCase());
}
