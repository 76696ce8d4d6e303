/**
 * Capture filters: the subset of pcap-filter(7) that tutorials use, compiled to a
 * predicate over a packet's dissection (not to BPF bytecode).
 *
 *   arp | ip | icmp | udp | tcp
 *   [src|dst] host ADDR        [src|dst] net ADDR/LEN        [src|dst] port N
 *   ether host MAC             and / &&   or / ||   not / !   ( ... )
 *
 * A bare address or number after a qualifier-less `src`/`dst` means `host`
 * (`src 10.0.0.1`); a bare primitive value repeats the previous qualifier, as libpcap
 * does (`port 53 or 80`). Errors come back as text in tcpdump's words (`syntax error`).
 *
 * Left out: byte offsets (`ip[8] < 5`), `len`, `portrange`, `vlan`, `proto`, broadcast.
 */
import { parseIpv4Address, parseIpv4Prefix, prefixContains } from '../../internet/ipv4-address.ts';
import { parseMac, readMac } from '../../link/mac-address.ts';
import type { Decoded, Dissection } from '../dissect/index.ts';

export type CaptureFilter = (frame: Uint8Array, d: Dissection) => boolean;

type Dir = 'src' | 'dst' | 'any';
type Kind = 'host' | 'net' | 'port';

class FilterSyntaxError {
  constructor(readonly message: string) {}
}

function decodedOf<K extends Decoded['kind']>(
  d: Dissection,
  kind: K,
): Extract<Decoded, { kind: K }> | undefined {
  for (const l of d.layers) if (l.decoded?.kind === kind) return l.decoded as Extract<Decoded, { kind: K }>;
  return undefined;
}

function addresses(d: Dissection): { src: number; dst: number } | undefined {
  const ip = decodedOf(d, 'ipv4');
  if (ip) return { src: ip.source, dst: ip.destination };
  const arp = decodedOf(d, 'arp');
  return arp ? { src: arp.senderIp, dst: arp.targetIp } : undefined;
}

function ports(d: Dissection): { src: number; dst: number } | undefined {
  const t = decodedOf(d, 'udp') ?? decodedOf(d, 'tcp');
  return t ? { src: t.sourcePort, dst: t.destinationPort } : undefined;
}

function pick(dir: Dir, pair: { src: number; dst: number }, test: (v: number) => boolean): boolean {
  if (dir === 'src') return test(pair.src);
  if (dir === 'dst') return test(pair.dst);
  return test(pair.src) || test(pair.dst);
}

/** Compiles `expression` (words already split); an empty expression accepts everything. */
export function compileCaptureFilter(
  words: readonly string[],
  /** Host names (the lab's hosts file), for `host h2`. */
  resolveName: (name: string) => number | undefined = () => undefined,
): CaptureFilter | { readonly error: string } {
  // Split "(", ")", "!" off words so `(tcp or udp)` and `!arp` work.
  const tokens: string[] = [];
  for (const w of words) for (const t of w.split(/([()!])/)) if (t !== '') tokens.push(t);
  if (tokens.length === 0) return () => true;
  let i = 0;
  let lastKind: Kind = 'host';
  let lastDir: Dir = 'any';
  const peek = () => tokens[i];
  const next = () => tokens[i++];

  const primary = (): CaptureFilter => {
    const t = next();
    if (t === undefined) throw new FilterSyntaxError('syntax error');
    if (t === '(') {
      const e = orExpr();
      if (next() !== ')') throw new FilterSyntaxError('syntax error');
      return e;
    }
    if (t === 'not' || t === '!') {
      const e = primary();
      return (f, d) => !e(f, d);
    }
    switch (t) {
      case 'arp':
        return (_f, d) => decodedOf(d, 'arp') !== undefined;
      case 'ip':
        return (_f, d) => decodedOf(d, 'ipv4') !== undefined;
      case 'icmp':
        return (_f, d) => decodedOf(d, 'icmp') !== undefined;
      case 'udp':
        return (_f, d) => decodedOf(d, 'udp') !== undefined;
      case 'tcp':
        return (_f, d) => decodedOf(d, 'tcp') !== undefined;
      case 'ether': {
        if (next() !== 'host') throw new FilterSyntaxError('syntax error');
        const v = next();
        const mac = v === undefined ? undefined : parseMac(v);
        if (mac === undefined) throw new FilterSyntaxError(`bogus ethernet address ${v ?? ''}`);
        return (f) => f.length >= 12 && (readMac(f, 0) === mac || readMac(f, 6) === mac);
      }
    }
    let dir: Dir = 'any';
    let word: string | undefined = t;
    if (word === 'src' || word === 'dst') {
      dir = word;
      word = next();
    }
    let kind: Kind | undefined;
    if (word === 'host' || word === 'net' || word === 'port') {
      kind = word;
      word = next();
    } else if (dir !== 'any') {
      kind = 'host';
    } else {
      // A bare value: libpcap repeats the last qualifiers.
      kind = lastKind;
      dir = lastDir;
    }
    lastKind = kind;
    lastDir = dir;
    if (word === undefined) throw new FilterSyntaxError('syntax error');
    return primitive(dir, kind, word);
  };

  const primitive = (dir: Dir, kind: Kind, value: string): CaptureFilter => {
    if (kind === 'port') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0 || n > 65535)
        throw new FilterSyntaxError(`illegal port number ${value}`);
      return (_f, d) => {
        const p = ports(d);
        return p !== undefined && pick(dir, p, (v) => v === n);
      };
    }
    if (kind === 'net') {
      const prefix = parseIpv4Prefix(value);
      if (!prefix) throw new FilterSyntaxError(`invalid net ${value}`);
      return (_f, d) => {
        const a = addresses(d);
        return a !== undefined && pick(dir, a, (v) => prefixContains(prefix, v));
      };
    }
    const addr = parseIpv4Address(value) ?? resolveName(value);
    if (addr === undefined) throw new FilterSyntaxError(`unknown host '${value}'`);
    return (_f, d) => {
      const a = addresses(d);
      return a !== undefined && pick(dir, a, (v) => v === addr);
    };
  };

  const andExpr = (): CaptureFilter => {
    let left = primary();
    while (peek() === 'and' || peek() === '&&') {
      next();
      const l = left;
      const r = primary();
      left = (f, d) => l(f, d) && r(f, d);
    }
    return left;
  };

  const orExpr = (): CaptureFilter => {
    let left = andExpr();
    while (peek() === 'or' || peek() === '||') {
      next();
      const l = left;
      const r = andExpr();
      left = (f, d) => l(f, d) || r(f, d);
    }
    return left;
  };

  try {
    const f = orExpr();
    if (i !== tokens.length) return { error: 'syntax error' };
    return f;
  } catch (e) {
    if (e instanceof FilterSyntaxError) return { error: e.message };
    throw e;
  }
}
