import { en, type MessageKey, type Messages } from './locales/en.js';
import { ja } from './locales/ja.js';
import type { Locale } from './locale.js';

export type { MessageKey, Messages } from './locales/en.js';

const MESSAGES: Readonly<Record<Locale, Messages>> = { en, ja };

export function messagesFor(locale: Locale): Messages {
  return MESSAGES[locale];
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

/** A message with its `{name}` placeholders filled in (plain text: escape it when it goes into markup). */
export function formatMessage(template: string, values: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => (Object.hasOwn(values, name) ? String(values[name]) : placeholder));
}
