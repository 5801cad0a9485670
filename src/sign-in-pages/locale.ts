// TEMPORARY stand-in until the pages branch lands.
export type Locale = 'en' | 'ja';
export function chooseLocale(uiLocales: string[], acceptLanguage: string | undefined): Locale {
  const wanted = [...uiLocales, ...(acceptLanguage ?? '').split(',').map((part) => part.split(';')[0]?.trim() ?? '')];
  return wanted.some((tag) => tag.toLowerCase().startsWith('ja')) ? 'ja' : 'en';
}
