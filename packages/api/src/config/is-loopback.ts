/**
 * True when `url` points at this machine (localhost, 127.0.0.0/8, ::1). Only such URLs may use plain http:
 * everywhere else secure cookies and TLS are mandatory (RFC 9700 2.6, BBA 6.1).
 */
export function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host)
  );
}
