/** Query parameters whose values are never logged: a client may wrongly send a secret in the URL. */
const SECRET_QUERY_PARAMETER = /secret|password|token|assertion|pin|code|key|challenge|credential/i;

/** The URL with the values of secret-looking query parameters replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart < 0) return url;
  const query = url
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals < 0 ? pair : pair.slice(0, equals);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // A malformed name is logged as sent; its value is still judged by the raw name.
      }
      return equals >= 0 && (SECRET_QUERY_PARAMETER.test(decoded) || SECRET_QUERY_PARAMETER.test(name)) ? `${name}=[redacted]` : pair;
    })
    .join('&');
  return `${url.slice(0, queryStart)}?${query}`;
}
