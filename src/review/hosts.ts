// Which Host headers the server answers: on a loopback address only its own host:port by
// the loopback names, so a DNS-rebinding page cannot reach the form through another name.

/** Whether a bind address is a loopback one. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/** The Host headers accepted for a server bound to `host`:`port`; null = any (a non-loopback bind). */
export function acceptedHosts(host: string, port: number): Set<string> | null {
  if (!isLoopback(host)) return null;
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  const names = new Set(["127.0.0.1", "localhost", "[::1]", bare.includes(":") ? `[${bare}]` : bare]);
  return new Set([...names].map((n) => `${n}:${port}`));
}
