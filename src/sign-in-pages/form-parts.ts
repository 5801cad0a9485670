import { html, type Html } from './html.js';
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
  if (errors.length === 0) return html``;
  return html`<div class="error-summary" id="${ERROR_SUMMARY_ID}" role="alert" tabindex="-1" autofocus aria-labelledby="error-summary-title">
    <h2 id="error-summary-title">${text.text('page.errorSummary')}</h2>
    <ul>
      ${errors.map((error) => html`<li>${error.field === undefined ? error.text : html`<a href="#${fieldId(error.field)}">${error.text}</a>`}</li>`)}
    </ul>
  </div> `;
}

/** The CSRF token every form carries. */
export function csrfField(token: string): Html {
  return html`<input type="hidden" name="csrf" value="${token}" />`;
}

export interface FieldState {
  value?: string | undefined;
  checked?: boolean | undefined;
  autofocus?: boolean | undefined;
  invalid?: boolean | undefined;
  /** Ids of elements that describe the field (a hint, the remaining attempts). */
  describedBy?: string | undefined;
}

/** One labelled input; a checkbox comes before its label. */
export function fieldInput(field: PageField, state: FieldState, text: PageText): Html {
  const id = fieldId(field.name);
  const label = html`<label for="${id}">${text.label(field.label)}</label>`;
  const common = html`id="${id}" name="${field.name}"${state.autofocus === true ? html` autofocus` : ''}${state.describedBy === undefined ? '' : html` aria-describedby="${state.describedBy}"`}`;
  if (field.type === 'checkbox') {
    return html`<div class="checkbox"><input type="checkbox" ${common} value="true" ${state.checked === true ? html` checked` : ''} />${label}</div> `;
  }
  const autocomplete = field.autocomplete ?? (field.type === 'password' ? 'current-password' : undefined);
  const plain = field.type === 'password' || field.type === 'email' || field.autocomplete === 'username' || field.autocomplete === 'one-time-code';
  return html`<div class="field">
    ${label}<input
      type="${field.type}"
      ${common}${state.value === undefined || field.type === 'password' ? '' : html` value="${state.value}"`}${
        autocomplete === undefined ? '' : html` autocomplete="${autocomplete}"`
      }${field.inputMode === undefined ? '' : html` inputmode="${field.inputMode}"`}${plain ? html` autocapitalize="none" spellcheck="false"` : ''}${field.required === true ? html` required` : ''}${
        state.invalid === true ? html` aria-invalid="true"` : ''
      }
    />
  </div> `;
}

/** A form that posts to `action` with its CSRF token; `content` is its fields and buttons. */
export function postForm(action: string, csrfToken: string, content: Html, attributes: Html = html``): Html {
  return html`<form method="post" action="${action}" ${attributes}>${csrfField(csrfToken)} ${content}</form> `;
}
