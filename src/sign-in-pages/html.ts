import { escapeHtml } from './escape-html.js';

/** Markup that is already safe: what `markup` returns. Anything else put into `markup` is escaped. */
export class Html {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

export type HtmlPart = Html | string | number | null | undefined | false | readonly HtmlPart[];

function partText(part: HtmlPart): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.text;
  if (Array.isArray(part)) return (part as readonly HtmlPart[]).map(partText).join('');
  return escapeHtml(String(part));
}

/**
 * A template of markup: its literal parts are markup, every value is escaped unless it is Html already.
 * (Not named `html`: prettier would reformat such templates as HTML, changing the output.)
 */
export function markup(strings: TemplateStringsArray, ...values: HtmlPart[]): Html {
  let text = strings[0] ?? '';
  values.forEach((value, index) => {
    text += partText(value) + (strings[index + 1] ?? '');
  });
  return new Html(text);
}

/** Trusted markup (built here, never from input). */
export function trustedHtml(text: string): Html {
  return new Html(text);
}
