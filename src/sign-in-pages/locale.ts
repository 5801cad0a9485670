/** The languages the hosted pages speak; the first is the default. */
export const LOCALES = ['en', 'ja'] as const;

export type Locale = (typeof LOCALES)[number];

export const DEFAULT_LOCALE: Locale = 'en';

/** The supported locale of a language tag by its primary subtag (`ja-JP` -> `ja`), or undefined. */
export function supportedLocale(tag: string): Locale | undefined {
  const primary = tag.trim().split(/[-_]/)[0]?.toLowerCase();
  return LOCALES.find((locale) => locale === primary);
}

/** The language ranges of an Accept-Language header, most wanted first (q=0 and malformed entries left out). */
export function acceptedLanguages(header: string): string[] {
  const ranges: { tag: string; quality: number; index: number }[] = [];
  header.split(',').forEach((entry, index) => {
    const [tag = '', ...parameters] = entry.split(';').map((part) => part.trim());
    if (!/^(\*|[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*)$/.test(tag)) return;
    let quality = 1;
    for (const parameter of parameters) {
      const match = /^q\s*=\s*(0(\.\d{0,3})?|1(\.0{0,3})?)$/i.exec(parameter);
      if (match) quality = Number(match[1]);
      else if (/^q\s*=/i.test(parameter)) quality = 0;
    }
    if (quality > 0) ranges.push({ tag, quality, index });
  });
  return ranges.sort((a, b) => b.quality - a.quality || a.index - b.index).map((range) => range.tag);
}

/**
 * The page's locale: the first supported one of the request's `ui_locales` (OIDC Core §3.1.2.1, in order of
 * preference), else of the Accept-Language header by quality, else English.
 */
export function chooseLocale(uiLocales: readonly string[], acceptLanguage: string | undefined): Locale {
  for (const tag of uiLocales) {
    const locale = supportedLocale(tag);
    if (locale !== undefined) return locale;
  }
  for (const tag of acceptLanguage === undefined ? [] : acceptedLanguages(acceptLanguage)) {
    const locale = supportedLocale(tag);
    if (locale !== undefined) return locale;
  }
  return DEFAULT_LOCALE;
}
