import { escapeHtml } from './escape-html.js';
import { Html, markup, type HtmlPart } from './html.js';
import type { Locale } from './locale.js';
import { formatMessage, isMessageKey, messagesFor, type MessageKey, type Messages } from './messages.js';

/** The texts of one page in its locale: messages, labels that may be keys, dates and times. */
export class PageText {
  private readonly messages: Messages;

  constructor(
    readonly locale: Locale,
    private readonly timeZone = 'UTC',
  ) {
    this.messages = messagesFor(locale);
  }

  /** A message as plain text, placeholders filled in. */
  text(key: MessageKey, values: Readonly<Record<string, string | number>> = {}): string {
    return formatMessage(this.messages[key], values);
  }

  /** A message as markup: its text escaped, each placeholder replaced by a value (escaped unless Html). */
  markup(key: MessageKey, values: Readonly<Record<string, HtmlPart>> = {}): Html {
    const pieces = this.messages[key].split(/\{(\w+)\}/);
    return new Html(pieces.map((piece, index) => (index % 2 === 0 ? escapeHtml(piece) : Object.hasOwn(values, piece) ? markup`${values[piece]}`.text : escapeHtml(`{${piece}}`))).join(''));
  }

  /** A text that is a message key or already the words to show (labels, titles, errors). */
  keyOrText(keyOrText: string): string {
    return isMessageKey(keyOrText) ? this.messages[keyOrText] : keyOrText;
  }

  /** A field label: its message key, its own words, or for an unknown `field.<name>` key the name. */
  label(label: string): string {
    if (isMessageKey(label)) return this.messages[label];
    return /^field\.[A-Za-z][\w.-]*$/.test(label) ? label.slice('field.'.length) : label;
  }

  /** Words for a scope: its declared description, else the locale's words for a standard scope, else its name. */
  scope(name: string, description?: string): string {
    if (description !== undefined && description.trim() !== '') return description;
    const key = `scope.${name}`;
    return isMessageKey(key) ? this.messages[key] : name;
  }

  message(key: string): string | undefined {
    return isMessageKey(key) ? this.messages[key] : undefined;
  }

  /** A point in time as `<time>`, date and minutes with the time zone named. */
  time(epochMs: number): Html {
    return this.timeElement(epochMs, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });
  }

  /** A day as `<time>`. */
  date(epochMs: number): Html {
    return this.timeElement(epochMs, { year: 'numeric', month: 'short', day: 'numeric' });
  }

  private timeElement(epochMs: number, options: Intl.DateTimeFormatOptions): Html {
    const when = new Date(epochMs);
    if (Number.isNaN(when.getTime())) return markup``;
    return markup`<time datetime="${when.toISOString()}">${this.format(when, options)}</time>`;
  }

  private format(when: Date, options: Intl.DateTimeFormatOptions): string {
    try {
      return new Intl.DateTimeFormat(this.locale, { ...options, timeZone: this.timeZone }).format(when);
    } catch {
      return new Intl.DateTimeFormat(this.locale, { ...options, timeZone: 'UTC' }).format(when);
    }
  }
}
