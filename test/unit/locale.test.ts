import { describe, expect, it } from 'vitest';
import { acceptedLanguages, chooseLocale, supportedLocale } from '../../src/sign-in-pages/locale.js';
import { en } from '../../src/sign-in-pages/locales/en.js';
import { ja } from '../../src/sign-in-pages/locales/ja.js';
import { formatMessage, isMessageKey, messagesFor } from '../../src/sign-in-pages/messages.js';

describe('chooseLocale', () => {
  it('takes the first supported ui_locales entry, before Accept-Language', () => {
    expect(chooseLocale(['fr-CA', 'ja-JP', 'en'], 'en-US')).toBe('ja');
    expect(chooseLocale(['en'], 'ja')).toBe('en');
    expect(chooseLocale(['JA'], undefined)).toBe('ja');
  });

  it('falls back to Accept-Language by quality, then to English', () => {
    expect(chooseLocale([], 'fr;q=0.9, ja;q=0.8, en;q=0.5')).toBe('ja');
    expect(chooseLocale(['de'], 'en;q=0.4, ja-JP;q=0.7')).toBe('ja');
    expect(chooseLocale([], 'ja;q=0, en-GB')).toBe('en');
    expect(chooseLocale([], 'de, fr')).toBe('en');
    expect(chooseLocale([], '*')).toBe('en');
    expect(chooseLocale([], undefined)).toBe('en');
    expect(chooseLocale([], '')).toBe('en');
  });

  it('keeps header order among equal qualities and ignores malformed entries', () => {
    expect(acceptedLanguages('ja, en')).toEqual(['ja', 'en']);
    expect(acceptedLanguages('en;q=0.5, ja;q=0.5, fr')).toEqual(['fr', 'en', 'ja']);
    expect(acceptedLanguages('ja;q=2, <script>, en;q=abc, fr;q=0.001')).toEqual(['fr']);
    expect(chooseLocale([], 'ja;q=2, en;q=0.1')).toBe('en');
  });

  it('matches a tag by its primary language', () => {
    expect(supportedLocale('ja-Jpan-JP')).toBe('ja');
    expect(supportedLocale('en_US')).toBe('en');
    expect(supportedLocale('jav')).toBeUndefined();
  });
});

describe('the locale files', () => {
  it('have the same keys, every text filled, with the same placeholders', () => {
    expect(Object.keys(ja).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) {
      const japanese = ja[key as keyof typeof en];
      expect(japanese.trim(), key).not.toBe('');
      const placeholders = (message: string): string[] => [...message.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string).sort();
      expect(placeholders(japanese), key).toEqual(placeholders(text));
    }
  });

  it('are Japanese in ja', () => {
    expect(messagesFor('ja')['signIn.title']).toBe('サインイン');
    expect(messagesFor('en')['signIn.title']).toBe('Sign in');
  });

  it('fills placeholders once, leaving unknown ones', () => {
    expect(formatMessage('{count} attempts left', { count: 2 })).toBe('2 attempts left');
    expect(formatMessage('{a} and {b}', { a: '{b}' })).toBe('{b} and {b}');
    expect(isMessageKey('signIn.title')).toBe(true);
    expect(isMessageKey('toString')).toBe(false);
  });
});
