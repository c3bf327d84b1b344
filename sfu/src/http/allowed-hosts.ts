// DNS rebinding defence: a request must name this service in its Host header — localhost, an address of this
// machine, or a configured name (PUBLIC_URL, ALLOWED_ORIGINS, ALLOWED_HOSTS). A page on some other name that
// was made to resolve to this machine sends its own name as Host (and a matching Origin) and is refused.
// An IP literal is safe to accept: rebinding needs a name that first resolved elsewhere.
import { ownAddresses } from '../lan/addresses.js';

/** The host name of a Host header value (`name:port`, `[v6]:port`), lower-cased; undefined if malformed. */
export function hostnameOf(host: string | undefined): string | undefined {
  if (!host) return undefined;
  try {
    const { hostname } = new URL(`http://${host}`);
    if (!hostname) return undefined;
    return hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return undefined;
  }
}

export class AllowedHosts {
  private readonly names: Set<string>;

  constructor(
    names: string[],
    /** This machine's addresses now (they change with the network), loopback included. */
    private readonly own: () => Set<string> = ownAddresses,
  ) {
    this.names = new Set(['localhost', ...names.map((n) => n.toLowerCase())]);
  }

  allows(hostname: string | undefined): boolean {
    if (!hostname) return false;
    if (this.names.has(hostname)) return true;
    return this.own().has(hostname);
  }
}
