// Decides which IP addresses webhook deliveries may connect to (SSRF guard).
// Two enforcement points use this policy: the connect-time DNS lookup (so a
// DNS-rebinding answer is judged on the address actually dialled) and the
// literal-IP check in the sender (net.connect skips lookup for literal IPs).
import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

type IP = ipaddr.IPv4 | ipaddr.IPv6;

export interface AddressPolicy {
  isAllowed(ip: string): boolean;
}

export const REFUSED_BY_POLICY = 'ERR_LAUREL_REFUSED_BY_POLICY';

export class RefusedByPolicyError extends Error {
  readonly code = REFUSED_BY_POLICY;
  constructor(readonly hostname: string, readonly address: string) {
    super(`refused to connect to ${hostname} (${address}): address is not allowed by the delivery network policy`);
    this.name = 'RefusedByPolicyError';
  }
}

/** The part of dns.lookup that net.connect uses; dns.lookup itself is assignable to it. */
export type Resolver = (
  hostname: string,
  options: dns.LookupOptions,
  callback: (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void,
) => void;

// NAT64 well-known prefix (RFC 6052): DNS64 networks synthesize these for every
// IPv4-only destination, so refusing them outright would break IPv6-only
// deployments; judge the embedded IPv4 instead. Everything else ipaddr.js
// files under 'rfc6052' (the 64:ff9b:1::/48 local-use prefix), '6to4' and
// 'teredo' is refused outright: 6to4 is deprecated (RFC 7526), Teredo
// obfuscates the client address, and no real webhook receiver lives there.
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
// IPv4-compatible addresses (::a.b.c.d, deprecated by RFC 4291) are classed
// 'unicast' by ipaddr.js, so they need an explicit refusal.
const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');

export function createAddressPolicy(opts: { allowPrivate: boolean; allowlist: string[] }): AddressPolicy {
  const v4: [ipaddr.IPv4, number][] = [];
  const v6: [ipaddr.IPv6, number][] = [];
  for (const entry of opts.allowlist) {
    const range = parseAllowlistEntry(entry);
    if (range[0].kind() === 'ipv4') v4.push(range as [ipaddr.IPv4, number]);
    else v6.push(range as [ipaddr.IPv6, number]);
  }

  const allowlisted = (addr: IP): boolean => {
    if (addr.kind() === 'ipv4') {
      for (const r of v4) if (addr.match(r)) return true;
    } else {
      for (const r of v6) if (addr.match(r)) return true;
    }
    return false;
  };

  const judge = (addr: IP): boolean => {
    if (opts.allowPrivate || allowlisted(addr)) return true;
    if (addr.kind() === 'ipv4') return addr.range() === 'unicast';
    const v6addr = addr as ipaddr.IPv6;
    // The kernel dials the embedded IPv4 for these, so that is what we judge.
    if (v6addr.isIPv4MappedAddress() || v6addr.match(NAT64_WELL_KNOWN)) return judge(embeddedIPv4(v6addr));
    if (v6addr.match(IPV4_COMPATIBLE)) return false;
    return v6addr.range() === 'unicast';
  };

  return {
    isAllowed(ip: string): boolean {
      let addr: IP;
      try {
        addr = ipaddr.parse(ip);
      } catch {
        return false; // not an IP: never connect to what we cannot judge
      }
      return judge(addr);
    },
  };
}

function embeddedIPv4(addr: ipaddr.IPv6): ipaddr.IPv4 {
  const hi = addr.parts[6]!;
  const lo = addr.parts[7]!;
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
}

function parseAllowlistEntry(entry: string): [IP, number] {
  const text = entry.trim();
  const slash = text.indexOf('/');
  const host = slash === -1 ? text : text.slice(0, slash);
  // Reject shorthand IPv4 like "10.1" (ipaddr.js would read it as 10.0.0.1).
  const valid = ipaddr.IPv6.isValid(host) || ipaddr.IPv4.isValidFourPartDecimal(host);
  let range: [IP, number] | undefined;
  if (valid) {
    try {
      range = slash === -1 ? [ipaddr.parse(host), host.includes(':') ? 128 : 32] : ipaddr.parseCIDR(text);
    } catch {
      range = undefined;
    }
  }
  if (!range) throw new Error(`invalid delivery allowlist entry ${JSON.stringify(entry)}: expected an IP address or CIDR`);
  // Allowlisting ::ffff:10.0.0.0/104 means allowlisting 10.0.0.0/8, since
  // mapped addresses are judged by their IPv4 form.
  const [addr, bits] = range;
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    return [(addr as ipaddr.IPv6).toIPv4Address(), bits - 96];
  }
  return range;
}

/** A `lookup` for net/tls.connect that refuses answers the policy does not allow. */
export function createGuardedLookup(policy: AddressPolicy, resolve: Resolver = dns.lookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, options, (err, address, family) => {
      if (err) {
        callback(err, address, family);
        return;
      }
      if (typeof address === 'string') {
        if (policy.isAllowed(address)) callback(null, address, family);
        else callback(new RefusedByPolicyError(hostname, address), '');
        return;
      }
      // A mixed public/private answer is refused as a whole rather than
      // filtered: it is the shape of a rebinding attempt, and failing
      // consistently beats deliveries that depend on which record won.
      for (const entry of address) {
        if (!policy.isAllowed(entry.address)) {
          callback(new RefusedByPolicyError(hostname, entry.address), []);
          return;
        }
      }
      callback(null, address);
    });
  };
}
