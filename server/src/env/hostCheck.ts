/**
 * Which `Host` a request to the service may name. A web page the developer opens can make the
 * browser send requests to a service on their loopback address under the page's own name (DNS
 * rebinding: `attacker.example` first resolves to the attacker, then to 127.0.0.1), and then read
 * the answers as same-origin: `GET /v1/health` needs no token. A service on loopback therefore
 * answers only requests that name it by a loopback name or address, as local dev servers do.
 */

/** `localhost`, a name under `.localhost` (RFC 6761), 127.0.0.0/8, or `[::1]`; `name` without its port, lower-case. */
export function isLoopbackName(name: string): boolean {
  const n = name.replace(/\.$/, '');
  return n === 'localhost' || n.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(n) || n === '[::1]' || n === '::1';
}

/** The host name of a `Host` header value, without the port, lower-case (`[::1]:7700` → `[::1]`). */
export function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? h : h.slice(0, end + 1);
  }
  const colon = h.lastIndexOf(':');
  return colon >= 0 && /^\d*$/.test(h.slice(colon + 1)) ? h.slice(0, colon) : h;
}

/** A name `--allowed-host` may give: a DNS name or an IPv4 address, or an IPv6 address in brackets. */
export function allowedHostName(name: string): string | undefined {
  const n = name.trim().toLowerCase();
  return /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?\.?$/.test(n) || /^\[[0-9a-f:.]+\]$/.test(n) ? n.replace(/\.$/, '') : undefined;
}

/**
 * The check of `Host` for a service listening on `listen`, or undefined for none: a service on a
 * loopback address takes loopback names and `allowed`; one on another address takes any name,
 * unless `allowed` lists some (then those and loopback names). A request without `Host`
 * (HTTP/1.0) is let through: a browser always sends one.
 */
export function hostGuard(listen: string, allowed: readonly string[]): ((host: string | undefined) => boolean) | undefined {
  if (!allowed.length && !isLoopbackName(hostName(listen.includes(':') && !listen.startsWith('[') ? `[${listen}]` : listen))) return undefined;
  const names = new Set(allowed);
  return (host) => {
    if (host === undefined) return true;
    const name = hostName(host).replace(/\.$/, '');
    return isLoopbackName(name) || names.has(name);
  };
}
