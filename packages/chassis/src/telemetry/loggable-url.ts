/** Query parameter names whose values are credentials, whatever an API documents. */
const SECRET_PARAMETER = /token|password|passwd|secret|api[-_]?key|session|signature|credential/i;

/**
 * A request URL fit for a log line: the values of query parameters named like credentials are
 * replaced, so a client that puts its token or password in the URL does not get it written down.
 */
export function loggableUrl(url: string): string {
  const at = url.indexOf('?');
  if (at === -1) return url;
  const query = url
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const [name = '', ...value] = pair.split('=');
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // An undecodable name is judged as it is.
      }
      return value.length > 0 && SECRET_PARAMETER.test(decoded) ? `${name}=[redacted]` : pair;
    })
    .join('&');
  return `${url.slice(0, at)}?${query}`;
}
