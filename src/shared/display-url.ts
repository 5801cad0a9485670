/**
 * A URL as messages may show it: no user or password, no query, no fragment (they may carry secrets).
 * Used by gatehouse/client and gatehouse/resource-server (no Node.js modules: it runs in browsers).
 */
export function displayUrl(input: string | URL | Request): string {
  const raw = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '(an invalid URL)';
  }
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  return url.toString();
}
