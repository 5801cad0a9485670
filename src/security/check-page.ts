// TEMPORARY stand-in until the pages branch lands.
import type { SecurityCheck } from './security-check.js';
export interface PageFieldSpec {
  name: string;
  label: string;
  type: 'text' | 'password' | 'number' | 'checkbox' | 'email';
  autocomplete?: string;
  inputMode?: 'text' | 'numeric';
}
export function checkPageFields(check: SecurityCheck, challenge: Record<string, unknown>): PageFieldSpec[] {
  if (check.name === 'PinCode') return [{ name: 'pin', label: 'PIN', type: 'password', inputMode: 'numeric', autocomplete: 'one-time-code' }];
  const fields = Array.isArray(challenge.fields) ? challenge.fields.filter((f): f is string => typeof f === 'string') : [];
  return fields.length > 0 ? fields.map((name) => ({ name, label: name, type: /password|pin/i.test(name) ? 'password' : 'text' })) : [{ name: 'answer', label: 'Answer', type: 'text' }];
}
export function checkAnswerFromForm(check: SecurityCheck, form: Record<string, string>): unknown {
  if (check.name === 'PinCode') return form.pin;
  const names = Object.keys(form);
  if (names.length === 1 && names[0] === 'answer') return form.answer;
  return form;
}
