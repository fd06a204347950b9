import { isIPv4, isIPv6 } from 'node:net';

/**
 * What kind of network an IP address belongs to. Only `public` addresses
 * are reachable by the HTTP actions without being listed in the allowlist.
 */
export type AddressClass =
  | 'public'
  | 'private'
  | 'loopback'
  | 'link-local'
  | 'unique-local'
  | 'cgnat'
  | 'multicast'
  | 'unspecified'
  | 'reserved';

type Range<T> = { network: T; prefix: number; class: AddressClass };

function parseIPv4(text: string): number | undefined {
  if (!isIPv4(text)) return undefined;
  return text.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** The 128 bits of an IPv6 address (zone and brackets removed). */
function parseIPv6(text: string): bigint | undefined {
  let s = text.toLowerCase();
  if (!isIPv6(s)) return undefined;
  // A trailing dotted quad (::ffff:10.0.0.1) becomes two hex groups.
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    const quad = parseIPv4(tail)!;
    s = `${s.slice(0, lastColon + 1)}${Math.floor(quad / 65536).toString(
      16,
    )}:${(quad % 65536).toString(16)}`;
  }
  const [head, rest] = s.split('::');
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest ? rest.split(':') : [];
  const groups =
    rest === undefined
      ? headGroups
      : [
          ...headGroups,
          ...new Array(8 - headGroups.length - restGroups.length).fill('0'),
          ...restGroups,
        ];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function stripBracketsAndZone(address: string): string {
  let s = address.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  return zone === -1 ? s : s.slice(0, zone);
}

function v4(cidr: string, cls: AddressClass): Range<number> {
  const [network, prefix] = cidr.split('/');
  return { network: parseIPv4(network)!, prefix: Number(prefix), class: cls };
}

function v6(cidr: string, cls: AddressClass): Range<bigint> {
  const [network, prefix] = cidr.split('/');
  return { network: parseIPv6(network)!, prefix: Number(prefix), class: cls };
}

// Everything here is either not routed on the internet or reaches inside
// the network the backend runs in.
const IPV4_RANGES: Range<number>[] = [
  v4('0.0.0.0/8', 'unspecified'),
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'cgnat'),
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link-local'),
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'reserved'),
  v4('192.0.2.0/24', 'reserved'),
  v4('192.88.99.0/24', 'reserved'),
  v4('192.168.0.0/16', 'private'),
  v4('198.18.0.0/15', 'reserved'),
  v4('198.51.100.0/24', 'reserved'),
  v4('203.0.113.0/24', 'reserved'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved'),
];

const IPV6_RANGES: Range<bigint>[] = [
  v6('::/128', 'unspecified'),
  v6('::1/128', 'loopback'),
  // The deprecated IPv4-compatible form (::a.b.c.d).
  v6('::/96', 'reserved'),
  v6('64:ff9b:1::/48', 'private'),
  v6('100::/64', 'reserved'),
  v6('2001::/32', 'reserved'),
  v6('2001:db8::/32', 'reserved'),
  v6('3fff::/20', 'reserved'),
  v6('fc00::/7', 'unique-local'),
  v6('fe80::/10', 'link-local'),
  v6('fec0::/10', 'private'),
  v6('ff00::/8', 'multicast'),
];

// IPv6 prefixes that carry an IPv4 address, and where in the 128 bits.
const EMBEDDING_IPV4: Array<{ range: Range<bigint>; shift: bigint }> = [
  { range: v6('::ffff:0:0/96', 'reserved'), shift: 0n },
  { range: v6('64:ff9b::/96', 'reserved'), shift: 0n },
  { range: v6('2002::/16', 'reserved'), shift: 80n },
];
const GLOBAL_UNICAST_V6 = v6('2000::/3', 'public');

function inRange(address: bigint, range: Range<bigint>): boolean {
  const shift = BigInt(128 - range.prefix);
  return address >> shift === range.network >> shift;
}

function classifyIPv4(address: number): AddressClass {
  for (const range of IPV4_RANGES) {
    const size = 2 ** (32 - range.prefix);
    if (Math.floor(address / size) === Math.floor(range.network / size)) {
      return range.class;
    }
  }
  return 'public';
}

function classifyIPv6(address: bigint): AddressClass {
  for (const { range, shift } of EMBEDDING_IPV4) {
    if (inRange(address, range)) {
      return classifyIPv4(Number((address >> shift) & 0xffffffffn));
    }
  }
  for (const range of IPV6_RANGES) {
    if (inRange(address, range)) return range.class;
  }
  // Outside 2000::/3 nothing is assigned for unicast on the internet.
  return inRange(address, GLOBAL_UNICAST_V6) ? 'public' : 'reserved';
}

/**
 * The kind of network of an IPv4 or IPv6 address. IPv4-mapped
 * (`::ffff:10.0.0.1`), NAT64 (`64:ff9b::/96`) and 6to4 (`2002::/16`)
 * addresses are classified by the IPv4 address they carry. Returns
 * `undefined` for anything that is not an IP address.
 */
export function classifyAddress(address: string): AddressClass | undefined {
  const s = stripBracketsAndZone(address);
  const ipv4 = parseIPv4(s);
  if (ipv4 !== undefined) return classifyIPv4(ipv4);
  const ipv6 = parseIPv6(s);
  if (ipv6 !== undefined) return classifyIPv6(ipv6);
  return undefined;
}

/**
 * One spelling per address, for comparing addresses: dotted IPv4 (also for
 * IPv4-mapped IPv6), otherwise the full lowercase IPv6 form. `undefined` for
 * anything that is not an IP address.
 */
export function canonicalAddress(address: string): string | undefined {
  const s = stripBracketsAndZone(address);
  if (parseIPv4(s) !== undefined) return s;
  const ipv6 = parseIPv6(s);
  if (ipv6 === undefined) return undefined;
  if (inRange(ipv6, EMBEDDING_IPV4[0].range)) {
    const n = Number(ipv6 & 0xffffffffn);
    return [24, 16, 8, 0].map(shift => (n >>> shift) & 255).join('.');
  }
  return ipv6
    .toString(16)
    .padStart(32, '0')
    .replace(/(.{4})(?!$)/g, '$1:');
}

/** The words for an address class in a refusal. */
export function describeAddressClass(cls: AddressClass): string {
  switch (cls) {
    case 'private':
      return 'a private address';
    case 'loopback':
      return 'a loopback address';
    case 'link-local':
      return 'a link-local address';
    case 'unique-local':
      return 'a unique-local address';
    case 'cgnat':
      return 'a carrier-grade NAT address';
    case 'multicast':
      return 'a multicast address';
    case 'unspecified':
      return 'the unspecified address';
    case 'reserved':
      return 'a reserved address';
    default:
      return 'a public address';
  }
}
