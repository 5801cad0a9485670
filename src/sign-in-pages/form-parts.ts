import { markup, type Html } from './html.js';
import type { PageField } from './page-view.js';
import type { PageText } from './page-text.js';

/** The element id of a form field. */
export const fieldId = (name: string): string => `field-${name}`;

export const ERROR_SUMMARY_ID = 'error-summary';

export interface PageError {
  text: string;
  /** The field the error is about: the summary links to it. */
  field?: string | undefined;
}

/**
 * The error summary at the top of a form: an alert, focused when the page loads, linking each error to its
 * field, so that a keyboard or screen-reader user hears what is wrong and gets to the field in one step.
 */
export function errorSummary(errors: readonly PageError[], text: PageText): Html {
  if (errors.length === 0) return markup``;
  const items = errors.map((error) => markup`<li>${error.field === undefined ? error.text : markup`<a href="#${fieldId(error.field)}">${error.text}</a>`}</li>`);
  return markup`<div class="error-summary" id="${ERROR_SUMMARY_ID}" role="alert" tabindex="-1" autofocus aria-labelledby="error-summary-title">
<h2 id="error-summary-title">${text.text('page.errorSummary')}</h2>
<ul>${items}</ul>
</div>
`;
}

/** The CSRF token every form carries. */
export function csrfField(token: string): Html {
  return markup`<input type="hidden" name="csrf" value="${token}">`;
}

export interface FieldState {
  value?: string | undefined;
  checked?: boolean | undefined;
  autofocus?: boolean | undefined;
  invalid?: boolean | undefined;
  /** Id of the element that describes the field (the remaining attempts). */
  describedBy?: string | undefined;
}

/** A boolean attribute, or nothing. */
const flag = (name: string, on: boolean | undefined): Html | '' => (on === true ? markup` ${name}` : '');
/** An attribute with a value, or nothing when the value is undefined. */
const attribute = (name: string, value: string | undefined): Html | '' => (value === undefined ? '' : markup` ${name}="${value}"`);

/** One labelled input; a checkbox comes before its label. */
export function fieldInput(field: PageField, state: FieldState, text: PageText): Html {
  const id = fieldId(field.name);
  const label = markup`<label for="${id}">${text.label(field.label)}</label>`;
  const common = markup`id="${id}" name="${field.name}"${flag('autofocus', state.autofocus)}${attribute('aria-describedby', state.describedBy)}`;
  if (field.type === 'checkbox') {
    return markup`<div class="checkbox"><input type="checkbox" ${common} value="true"${flag('checked', state.checked)}>${label}</div>
`;
  }
  const autocomplete = field.autocomplete ?? (field.type === 'password' ? 'current-password' : undefined);
  const verbatim = field.type === 'password' || field.type === 'email' || field.autocomplete === 'username' || field.autocomplete === 'one-time-code';
  const value = field.type === 'password' ? undefined : state.value;
  const rest = [
    attribute('value', value),
    attribute('autocomplete', autocomplete),
    attribute('inputmode', field.inputMode),
    verbatim ? markup` autocapitalize="none" spellcheck="false"` : '',
    flag('required', field.required),
    state.invalid === true ? markup` aria-invalid="true"` : '',
  ];
  return markup`<div class="field">${label}<input type="${field.type}" ${common}${rest}></div>
`;
}

/**
 * A form that posts to `action` with its CSRF token; `content` is its fields and buttons. `step` names what the
 * form answers (`sign-in`, `check`, `consent`) and `check` which security check, as hidden fields the flow reads.
 */
export function postForm(action: string, csrfToken: string, content: Html, control: { step?: string; check?: string } = {}): Html {
  const step =
    control.step === undefined
      ? ''
      : markup`<input type="hidden" name="step" value="${control.step}">
`;
  const check =
    control.check === undefined
      ? ''
      : markup`<input type="hidden" name="check" value="${control.check}">
`;
  return markup`<form method="post" action="${action}">
${csrfField(csrfToken)}
${step}${check}${content}</form>
`;
}
