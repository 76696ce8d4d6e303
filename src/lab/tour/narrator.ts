/**
 * The tour's narrator: it listens to the trace bus while a browser on one node (the
 * client) loads a page, and explains each step as it happens, in English and Korean —
 * the URL taken apart, the DNS lookup through the hierarchy, ARP for the gateway, the TCP
 * 3-way handshake with its sequence numbers, the HTTP request and responses, the
 * subresources on parallel connections, the 4-way close with the states on both sides,
 * and TIME-WAIT running out.
 *
 * It reads only what the layers report (trace events and the frames on the client's
 * interface), so what it says is what happened on the simulated wire. The first TCP
 * connection is narrated segment by segment; later ones in a line each, so the story
 * stays readable with six connections in parallel. Events it does not know are ignored,
 * so protocols added later are narrated once they have a case here.
 *
 * Over HTTPS the first TLS handshake is narrated message by message from the client's
 * 'tls.handshake' events — what the ClientHello offers (versions, random, suites, key
 * share group, SNI, ALPN), what the ServerHello picks, EncryptedExtensions, the
 * certificate chain (subjects and issuers), CertificateVerify, both Finished — and the
 * browser's certificate check from 'pki.validate' (the chain to a trusted root, validity
 * at the simulated clock, the host name against subjectAltName); later handshakes get a
 * line each.
 */
import { formatIpv4Address, parseIpv4Address } from '../../internet/ipv4-address.ts';
import { formatMac } from '../../link/mac-address.ts';
import type { Simulator } from '../../sim/simulator.ts';
import { type Time, formatDuration, MILLISECOND, simWallClockMs } from '../../sim/time.ts';
import type { TraceEventOf } from '../../sim/trace.ts';
import { dissect } from '../../tools/dissect/index.ts';
import type { NetworkView } from '../../tools/shell/command.ts';
import '../../application/browser/trace-events.ts';
import '../../application/dns/trace-events.ts';
import '../../application/http/trace-events.ts';
import '../../application/pki/trace-events.ts';
import '../../application/tls/trace-events.ts';

/** The browser's protocol choice as the notes name it. */
const PROTOCOL_WORDS: Record<string, string> = {
  'http1.0': 'HTTP/1.0',
  'http1.1': 'HTTP/1.1 (keep-alive)',
  'http1.1-pipelining': 'HTTP/1.1 with pipelining',
  h2: 'HTTP/2',
};

export type NarrationTopic = 'url' | 'dns' | 'arp' | 'tcp' | 'tls' | 'http' | 'page';

export interface Narration {
  readonly time: Time;
  readonly node: string;
  readonly topic: NarrationTopic;
  readonly en: string;
  readonly ko: string;
}

interface Connection {
  /** The narrator's number for it, 1 and up, in the order the client opened them. */
  readonly n: number;
  readonly key: string;
  readonly remote: string;
  readonly synAt: Time;
  readonly clientIsn: number;
  serverIsn?: number;
  established: boolean;
  closeNarrated: boolean;
  /** The client's end as TLS events name it (`192.168.1.10:51243`), and its port. */
  readonly clientEndpoint: string;
  readonly clientPort: number;
  /** Connection #1: the last segment with data each way on the client's wire, and when. */
  lastOut?: { readonly time: Time; readonly bytes: number };
  lastIn?: { readonly time: Time; readonly bytes: number };
  /** When the server received and sent close_notify on it ('tls.alert' with this peer). */
  serverGotCloseNotify?: Time;
  serverSentCloseNotify?: Time;
  /** The client went through CLOSING: the FINs crossed. */
  crossed: boolean;
  /** Nodes in TIME-WAIT for it, and since when. */
  readonly timeWait: Map<string, Time>;
}

function ms(t: Time): string {
  return formatDuration(Math.round(t / 1000) * 1000);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `HTTP/1.1` whether the event says `1.1` or `HTTP/1.1`. */
function httpVersion(v: string): string {
  return v.startsWith('HTTP/') ? v : `HTTP/${v}`;
}

/** The first bytes of a hex string: `4ea0c189…`. */
function short(hex: string): string {
  return hex.length > 16 ? `${hex.slice(0, 16)}…` : hex;
}

/** A certificate's fingerprint (`AB:CD:…`, as openssl prints it), its first 8 bytes: `5B:9A:03:E1:…`. */
function shortFingerprint(fingerprint: string | undefined): string {
  if (fingerprint === undefined) return '?';
  const bytes = fingerprint.split(':');
  return bytes.length > 8 ? `${bytes.slice(0, 8).join(':')}…` : fingerprint;
}

/** A distinguished name's common name (`CN = x, O = y` → x), or the name itself. */
function cn(name: string): string {
  return /(?:^|, )CN = ([^,]+)/.exec(name)?.[1] ?? name;
}

function kb(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KiB`;
}

function kbKo(bytes: number): string {
  return bytes < 1024 ? `${bytes}바이트` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Why a connection went to CLOSED other than through TIME-WAIT or LAST-ACK, from its cause. */
function closedWhy(from: string, cause: string): [string, string] {
  switch (cause) {
    case 'rcv-rst':
      return ['the other side reset it (RST)', '상대가 RST로 연결을 리셋했습니다'];
    case 'abort':
      return ['this side reset it (RST)', '이쪽이 RST로 연결을 리셋했습니다'];
    case 'timeout':
      return from === 'FIN-WAIT-2'
        ? [
            "the other side's FIN never came, and the FIN-WAIT-2 timer of a socket nobody holds ran out",
            '상대의 FIN이 오지 않아, 아무도 쥐고 있지 않은 소켓의 FIN-WAIT-2 타이머가 끝났습니다',
          ]
        : ['a timer ran out', '타이머가 끝났습니다'];
    case 'give-up':
      return ['its retransmissions went unanswered', '재전송에 끝내 답이 없었습니다'];
    case 'icmp-error':
      return ['an ICMP error ended it', 'ICMP 오류로 끝났습니다'];
    default:
      return [cause, cause];
  }
}

export class TourNarrator {
  private readonly offs: (() => void)[] = [];
  private readonly connections = new Map<string, Connection>();
  private readonly arpNarrated = new Set<number>();
  private readonly dnsServerSeen = new Set<string>();
  private readonly cachedHosts = new Set<string>();
  /** Connections in their handshake (SYN sent, final ACK not yet). */
  private handshaking = 0;
  private closedQuietly = 0;
  private timeWaitEnded = 0;
  /** Connection #1 while open on the client: its data segments are noted (watchSegment). */
  private watched: Connection | undefined;
  /** The last instant the client's TLS sent a close_notify. */
  private closeNotifySentAt: Time | undefined;
  private readonly byClientEndpoint = new Map<string, Connection>();
  private requestsNarrated = 0;
  /** TLS handshakes the client started; the first is narrated message by message. */
  private tlsHandshakes = 0;
  private firstTlsOpen = false;
  /** The version the first TLS connection's ServerHello picked ('TLS 1.3', 'TLS 1.2'). */
  private firstTlsVersion = '';
  private tlsStartedAt = new Map<string, Time>();
  private tlsUsed = false;

  constructor(
    private readonly sim: Simulator,
    private readonly network: NetworkView,
    /** The node whose browser the story follows. */
    private readonly client: string,
    private readonly emit: (n: Narration) => void,
  ) {
    const t = sim.trace;
    this.offs.push(
      t.on('browser.navigate', (e) => this.navigate(e)),
      t.on('browser.dns', (e) => this.browserDns(e)),
      t.on('dns.query', (e) => this.dnsQuery(e)),
      t.on('dns.response', (e) => this.dnsResponse(e)),
      t.on('dns.cache', (e) => this.dnsCache(e)),
      t.on('arp.request', (e) => this.arpRequest(e)),
      t.on('arp.update', (e) => this.arpUpdate(e)),
      t.on('link.tx', (e) => this.frame(e.node, e.frame, 'out')),
      t.on('link.rx', (e) => this.frame(e.node, e.frame, 'in')),
      t.on('http.request', (e) => this.httpRequest(e)),
      t.on('browser.resource', (e) => this.resource(e)),
      t.on('browser.done', (e) => this.done(e)),
      t.on('tcp.state', (e) => this.tcpState(e)),
      t.on('tls.handshake', (e) => this.tlsHandshake(e)),
      t.on('pki.validate', (e) => this.pkiValidate(e)),
      t.on('tls.established', (e) => this.tlsEstablished(e)),
      t.on('tls.failed', (e) => this.tlsFailed(e)),
      t.on('tls.alert', (e) => this.tlsAlert(e)),
    );
  }

  /** Stops listening. */
  stop(): void {
    for (const off of this.offs) off();
    this.offs.length = 0;
  }

  private say(topic: NarrationTopic, node: string, en: string, ko: string): void {
    this.emit({ time: this.sim.now, node, topic, en, ko });
  }

  /** `r1 (10.0.1.1)` when the lab knows the address by name, else the address. */
  private name(address: string | number): string {
    const a = typeof address === 'number' ? address : parseIpv4Address(address);
    const text = typeof address === 'number' ? formatIpv4Address(address) : address;
    const n = a === undefined ? undefined : this.network.hostName(a);
    return n === undefined ? text : `${n} (${text})`;
  }

  // ---- the URL ------------------------------------------------------------------------

  private navigate(e: TraceEventOf<'browser.navigate'>): void {
    if (e.node !== this.client) return;
    this.say(
      'url',
      e.node,
      `You type ${e.input} into the browser and press Enter.`,
      `브라우저에 ${e.input}을(를) 입력하고 Enter를 누릅니다.`,
    );
    const u = e.url;
    if (!u) {
      this.say(
        'url',
        e.node,
        `That is not a URL the browser can load: ${e.error ?? ''}`,
        `브라우저가 열 수 있는 URL이 아닙니다: ${e.error ?? ''}`,
      );
      return;
    }
    const host =
      u.hostKind === 'domain' && u.registrableDomain
        ? u.subdomain
          ? `host ${u.host}: subdomain "${u.subdomain}" of the domain ${u.registrableDomain} (top-level domain ${u.publicSuffix})`
          : `host ${u.host}: the domain itself (top-level domain ${u.publicSuffix})`
        : `host ${u.host} (an address: no DNS needed)`;
    const hostKo =
      u.hostKind === 'domain' && u.registrableDomain
        ? u.subdomain
          ? `호스트 ${u.host}: 도메인 ${u.registrableDomain}의 서브도메인 "${u.subdomain}" (최상위 도메인 ${u.publicSuffix})`
          : `호스트 ${u.host}: 도메인 자체 (최상위 도메인 ${u.publicSuffix})`
        : `호스트 ${u.host} (주소이므로 DNS가 필요 없음)`;
    this.say(
      'url',
      e.node,
      `The URL, taken apart: scheme ${u.scheme} (port ${u.port}${u.explicitPort ? ', given in the URL' : ' by default'}), ${host}, path ${u.path}${u.query ? `, query ${u.query}` : ''}. The browser will speak ${PROTOCOL_WORDS[e.protocol] ?? e.protocol}.`,
      `URL을 나누면: 스킴 ${u.scheme} (포트 ${u.port}${u.explicitPort ? ', URL에 적힘' : ', 기본값'}), ${hostKo}, 경로 ${u.path}${u.query ? `, 쿼리 ${u.query}` : ''}. 브라우저는 ${PROTOCOL_WORDS[e.protocol] ?? e.protocol}로 통신합니다.`,
    );
  }

  // ---- DNS ----------------------------------------------------------------------------

  private browserDns(e: TraceEventOf<'browser.dns'>): void {
    if (e.node !== this.client) return;
    if (e.phase === 'start') {
      this.say(
        'dns',
        e.node,
        `The browser needs the IP address of ${e.host}. It asks the operating system's stub resolver, which first checks /etc/hosts.`,
        `브라우저에는 ${e.host}의 IP 주소가 필요합니다. 운영체제의 스텁 리졸버에게 묻고, 리졸버는 먼저 /etc/hosts를 봅니다.`,
      );
    } else if (e.phase === 'cached') {
      if (this.cachedHosts.has(e.host)) return;
      this.cachedHosts.add(e.host);
      this.say(
        'dns',
        e.node,
        `${e.host} is already in the browser's host cache: no lookup.`,
        `${e.host}은(는) 이미 브라우저의 호스트 캐시에 있어 조회하지 않습니다.`,
      );
    } else if (e.error) {
      this.say(
        'dns',
        e.node,
        `The lookup of ${e.host} failed: ${e.error}.`,
        `${e.host} 조회가 실패했습니다: ${e.error}.`,
      );
    } else {
      const addrs = (e.addresses ?? []).join(', ');
      this.say(
        'dns',
        e.node,
        `DNS done: ${e.host} is ${addrs} (the lookup took ${ms(e.duration ?? 0)}).`,
        `DNS 완료: ${e.host}은(는) ${addrs}입니다 (조회에 ${ms(e.duration ?? 0)} 걸림).`,
      );
    }
  }

  private dnsQuery(e: TraceEventOf<'dns.query'>): void {
    if (e.role === 'stub' && e.node === this.client) {
      this.say(
        'dns',
        e.node,
        `Not there, so the stub resolver sends a DNS query in a UDP datagram to its resolver ${this.name(e.server)}, port ${e.port}: "${e.qtype} ${e.qname}?" (id 0x${e.id.toString(16).padStart(4, '0')}, recursion desired).`,
        `없으므로 스텁 리졸버는 UDP 데이터그램에 DNS 질의를 담아 리졸버 ${this.name(e.server)}의 ${e.port}번 포트로 보냅니다: "${e.qtype} ${e.qname}?" (id 0x${e.id.toString(16).padStart(4, '0')}, 재귀 요청).`,
      );
    } else if (e.role === 'resolver') {
      this.dnsServerSeen.add(e.server);
      this.say(
        'dns',
        e.node,
        `The ISP's resolver ${e.node} asks ${this.name(e.server)}: "${e.qtype} ${e.qname}?" (no recursion: it walks the hierarchy itself).`,
        `ISP 리졸버 ${e.node}이(가) ${this.name(e.server)}에게 묻습니다: "${e.qtype} ${e.qname}?" (재귀 없이, 계층을 스스로 따라갑니다).`,
      );
    }
  }

  private dnsResponse(e: TraceEventOf<'dns.response'>): void {
    if (e.role !== 'resolver') return;
    const who = this.name(e.server);
    const rtt = ms(e.rttNs);
    if (e.kind === 'referral') {
      this.say(
        'dns',
        e.node,
        `${who} does not know the answer but knows who does: it refers the resolver to the servers of ${e.zone ?? 'a zone below it'} (${plural(e.authority, 'NS record')}, ${plural(e.additional, 'address', 'addresses')} as glue), ${rtt} after the question.`,
        `${who}은(는) 답을 모르지만 누가 아는지 압니다. ${e.zone ?? '하위 영역'}의 서버들을 알려 줍니다 (NS 레코드 ${e.authority}개, 글루 주소 ${e.additional}개, 질문 후 ${rtt}).`,
      );
    } else if (e.kind === 'answer' || e.kind === 'cname') {
      this.say(
        'dns',
        e.node,
        `${who} answers${e.aa ? ' authoritatively' : ''}: ${e.answers} record${e.answers === 1 ? '' : 's'} for ${e.qname} (${rtt}). The resolver caches them for their TTL and sends the answer back to the stub resolver.`,
        `${who}이(가) ${e.aa ? '권한 있는 ' : ''}답을 줍니다: ${e.qname}에 대한 레코드 ${e.answers}개 (${rtt}). 리졸버는 TTL 동안 캐시하고 스텁 리졸버에게 답을 돌려줍니다.`,
      );
    } else if (e.kind === 'nxdomain') {
      this.say(
        'dns',
        e.node,
        `${who} says ${e.qname} does not exist (NXDOMAIN).`,
        `${who}은(는) ${e.qname}이(가) 없다고 답합니다 (NXDOMAIN).`,
      );
    }
  }

  private dnsCache(e: TraceEventOf<'dns.cache'>): void {
    if (e.op === 'hit' && this.dnsServerSeen.size === 0) {
      this.say(
        'dns',
        e.node,
        `The resolver ${e.node} has ${e.qtype} ${e.name} in its cache (${e.ttl ?? 0} s of TTL left) and answers at once.`,
        `리졸버 ${e.node}의 캐시에 ${e.qtype} ${e.name}이(가) 있어 (TTL ${e.ttl ?? 0}초 남음) 바로 답합니다.`,
      );
    }
  }

  // ---- ARP ----------------------------------------------------------------------------

  private arpRequest(e: TraceEventOf<'arp.request'>): void {
    if (e.node !== this.client || this.arpNarrated.has(e.target)) return;
    this.say(
      'arp',
      e.node,
      `Before that packet can leave, ${e.node} needs the MAC address of ${this.name(e.target)} on its LAN: it broadcasts an ARP request "who has ${formatIpv4Address(e.target)}?" to every station.`,
      `그 패킷이 나가기 전에 ${e.node}은(는) LAN에 있는 ${this.name(e.target)}의 MAC 주소가 필요합니다. 모든 스테이션에 ARP 요청 "${formatIpv4Address(e.target)}은(는) 누구?"를 브로드캐스트합니다.`,
    );
  }

  private arpUpdate(e: TraceEventOf<'arp.update'>): void {
    if (e.node !== this.client || e.previous !== null || this.arpNarrated.has(e.ip)) return;
    this.arpNarrated.add(e.ip);
    const mac = formatMac(e.mac);
    this.say(
      'arp',
      e.node,
      `ARP reply: ${formatIpv4Address(e.ip)} is at ${mac}. The frame goes out addressed to that MAC; the IP packet inside still carries the final destination's IP address.`,
      `ARP 응답: ${formatIpv4Address(e.ip)}은(는) ${mac}에 있습니다. 프레임은 그 MAC 주소로 나가고, 안의 IP 패킷에는 여전히 최종 목적지의 IP 주소가 들어 있습니다.`,
    );
  }

  // ---- TCP ----------------------------------------------------------------------------

  private frame(node: string, frame: Uint8Array, dir: 'in' | 'out'): void {
    if (node !== this.client) return;
    // A cheap look first: only TCP segments with SYN, or the ACK ending a handshake, matter.
    if (frame.length < 54 || frame[12] !== 0x08 || frame[13] !== 0x00 || frame[23] !== 6) return;
    const tcpAt = 14 + (frame[14]! & 15) * 4;
    if (this.watched) this.watchSegment(this.watched, frame, tcpAt, dir);
    const flags = frame[tcpAt + 13]!;
    const syn = (flags & 0x02) !== 0;
    if (!syn && (dir === 'in' || this.handshaking === 0)) return;
    const layers = dissect(frame).layers;
    const ip = layers[1]?.decoded;
    const d = layers[2]?.decoded;
    if (ip?.kind !== 'ipv4' || d?.kind !== 'tcp') return;
    const out = dir === 'out';
    const key = out
      ? `${ip.source}:${d.sourcePort}>${ip.destination}:${d.destinationPort}`
      : `${ip.destination}:${d.destinationPort}>${ip.source}:${d.sourcePort}`;
    const ack = (d.flags & 0x10) !== 0;
    let c = this.connections.get(key);
    if (out && syn && !ack) {
      if (c) return; // a retransmitted SYN
      c = {
        n: this.connections.size + 1,
        key,
        remote: `${this.name(ip.destination)}:${d.destinationPort}`,
        synAt: this.sim.now,
        clientIsn: d.seq,
        established: false,
        closeNarrated: false,
        clientEndpoint: `${formatIpv4Address(ip.source)}:${d.sourcePort}`,
        clientPort: d.sourcePort,
        crossed: false,
        timeWait: new Map(),
      };
      this.connections.set(key, c);
      this.byClientEndpoint.set(c.clientEndpoint, c);
      if (c.n === 1) this.watched = c;
      this.handshaking++;
      if (c.n === 1) {
        this.say(
          'tcp',
          node,
          `TCP connection #1 to ${c.remote}, step 1 of the 3-way handshake: ${node} sends SYN seq=${d.seq} (its initial sequence number, chosen at random) and goes to SYN-SENT.`,
          `${c.remote}로의 TCP 연결 #1, 3-way 핸드셰이크 1단계: ${node}이(가) SYN seq=${d.seq}(무작위로 고른 초기 순서 번호)를 보내고 SYN-SENT 상태가 됩니다.`,
        );
      }
      return;
    }
    if (!c) return;
    if (!out && syn && ack && c.serverIsn === undefined) {
      c.serverIsn = d.seq;
      if (c.n === 1) {
        this.say(
          'tcp',
          node,
          `Step 2: the server answers SYN-ACK seq=${d.seq} ack=${d.ack} — its own initial sequence number m, and n+1: "I got your SYN, send byte ${d.ack} next".`,
          `2단계: 서버가 SYN-ACK seq=${d.seq} ack=${d.ack}로 답합니다. 자신의 초기 순서 번호 m과 n+1, 곧 "SYN 받았음, 다음엔 ${d.ack}번 바이트를 보내라"입니다.`,
        );
      }
      return;
    }
    if (out && !syn && ack && c.serverIsn !== undefined && !c.established) {
      c.established = true;
      this.handshaking--;
      const rtt = ms(this.sim.now - c.synAt);
      if (c.n === 1) {
        this.say(
          'tcp',
          node,
          `Step 3: ${node} sends ACK ack=${d.ack} (m+1). Both sides are ESTABLISHED: a virtual circuit, one round trip (${rtt}) after the SYN. No data has moved yet.`,
          `3단계: ${node}이(가) ACK ack=${d.ack}(m+1)를 보냅니다. 양쪽이 ESTABLISHED가 되었습니다. SYN 뒤 한 번의 왕복(${rtt})으로 가상 회선이 생겼고, 아직 데이터는 오가지 않았습니다.`,
        );
      } else {
        this.say(
          'tcp',
          node,
          `TCP connection #${c.n} to ${c.remote} is open (SYN seq=${c.clientIsn}, SYN-ACK seq=${c.serverIsn}, ACK: ${rtt}).`,
          `${c.remote}로의 TCP 연결 #${c.n}이(가) 열렸습니다 (SYN seq=${c.clientIsn}, SYN-ACK seq=${c.serverIsn}, ACK: ${rtt}).`,
        );
      }
    }
  }

  /** Notes a data segment of connection #1 (its TCP payload size), read from the raw frame. */
  private watchSegment(c: Connection, frame: Uint8Array, tcpAt: number, dir: 'in' | 'out'): void {
    const port =
      dir === 'out' ? (frame[tcpAt]! << 8) | frame[tcpAt + 1]! : (frame[tcpAt + 2]! << 8) | frame[tcpAt + 3]!;
    if (port !== c.clientPort) return;
    const bytes = ((frame[16]! << 8) | frame[17]!) - (tcpAt - 14) - (frame[tcpAt + 12]! >> 4) * 4;
    if (bytes <= 0) return;
    const seen = { time: this.sim.now, bytes };
    if (dir === 'out') c.lastOut = seen;
    else c.lastIn = seen;
  }

  private connectionOf(e: TraceEventOf<'tcp.state'>): Connection | undefined {
    const a = (p: { address: string; port: number }) =>
      `${parseIpv4Address(p.address) ?? p.address}:${p.port}`;
    if (e.node === this.client) return this.connections.get(`${a(e.local)}>${a(e.remote)}`);
    return this.connections.get(`${a(e.remote)}>${a(e.local)}`);
  }

  private tcpState(e: TraceEventOf<'tcp.state'>): void {
    const c = this.connectionOf(e);
    if (!c) return;
    const mine = e.node === this.client;
    const who = e.node;
    if (mine && e.to === 'CLOSING') c.crossed = true;
    if (c.n === 1) {
      if (e.to === 'ESTABLISHED' || e.to === 'SYN-SENT' || e.to === 'SYN-RECEIVED') return;
      if (mine && (e.to === 'TIME-WAIT' || e.to === 'CLOSED')) this.watched = undefined;
      const line = (this.tlsUsed ? this.tlsClose(e, c, who, mine) : undefined) ?? this.closeLine(e, c, who);
      if (e.to === 'TIME-WAIT') c.timeWait.set(who, this.sim.now);
      if (line) this.say('tcp', who, line[0], line[1]);
      return;
    }
    // Later connections: one line when each is closed on the client, one at the end of TIME-WAIT.
    if (mine && e.to === 'TIME-WAIT' && !c.closeNarrated) {
      c.closeNarrated = true;
      this.closedQuietly++;
      const tls = c.serverGotCloseNotify !== undefined && c.serverSentCloseNotify !== undefined;
      if (tls) {
        this.say(
          'tcp',
          who,
          `Connection #${c.n} closes the same way: close_notify and FIN from each side${c.crossed ? ', the FINs crossing (CLOSING)' : ''}, then TIME-WAIT.`,
          `연결 #${c.n}도 같은 방식으로 닫힙니다: 양쪽이 close_notify와 FIN을 보내고${c.crossed ? ' (FIN이 엇갈려 CLOSING을 거쳐)' : ''} TIME-WAIT에서 기다립니다.`,
        );
      } else {
        this.say(
          'tcp',
          who,
          `Connection #${c.n} closes the same way (FIN, ACK, FIN, ACK) and waits in TIME-WAIT.`,
          `연결 #${c.n}도 같은 방식(FIN, ACK, FIN, ACK)으로 닫히고 TIME-WAIT에서 기다립니다.`,
        );
      }
    }
    if (mine && e.to === 'CLOSED' && e.from !== 'TIME-WAIT' && !c.closeNarrated) {
      c.closeNarrated = true;
      const [why, whyKo] = closedWhy(e.from, e.cause);
      this.say(
        'tcp',
        who,
        `Connection #${c.n} is closed on ${who}, with no TIME-WAIT there: ${why}.`,
        `연결 #${c.n}이(가) ${who}에서 닫혔고, 이쪽에는 TIME-WAIT가 없습니다: ${whyKo}.`,
      );
    }
    if (mine && e.from === 'TIME-WAIT' && e.to === 'CLOSED') {
      this.timeWaitEnded++;
      if (this.timeWaitEnded === this.closedQuietly) {
        this.say(
          'tcp',
          who,
          `The TIME-WAIT of the other ${this.closedQuietly} connection${this.closedQuietly === 1 ? '' : 's'} is over too.`,
          `나머지 연결 ${this.closedQuietly}개의 TIME-WAIT도 끝났습니다.`,
        );
      }
    }
  }

  /** The 4-way close of connection #1, state by state, as TCP reports it on either side. */
  private closeLine(e: TraceEventOf<'tcp.state'>, c: Connection, who: string): [string, string] | undefined {
    switch (e.to) {
      case 'FIN-WAIT-1':
        return [
          `${who} is done with connection #1 and closes it: it sends FIN and goes to FIN-WAIT-1 (step 1 of the 4-way close).`,
          `${who}은(는) 연결 #1을 다 쓰고 닫습니다. FIN을 보내고 FIN-WAIT-1 상태가 됩니다 (4-way 종료 1단계).`,
        ];
      case 'CLOSE-WAIT':
        return [
          `${who} receives the FIN and acknowledges it: CLOSE-WAIT (step 2). Its own side is still open until its application closes too.`,
          `${who}이(가) FIN을 받고 ACK로 답합니다: CLOSE-WAIT (2단계). 자기 애플리케이션이 닫을 때까지 자기 쪽은 아직 열려 있습니다.`,
        ];
      case 'FIN-WAIT-2':
        return [
          `${who} gets the ACK of its FIN: FIN-WAIT-2, waiting for the other side's FIN.`,
          `${who}이(가) FIN에 대한 ACK를 받습니다: FIN-WAIT-2, 상대의 FIN을 기다립니다.`,
        ];
      case 'LAST-ACK':
        return [
          `${who} closes its side too: it sends its FIN and waits in LAST-ACK (step 3).`,
          `${who}도 자기 쪽을 닫습니다. FIN을 보내고 LAST-ACK에서 기다립니다 (3단계).`,
        ];
      case 'CLOSING':
        return [
          `${who} gets the other side's FIN while its own is not yet acknowledged: CLOSING, a simultaneous close. It acknowledges that FIN.`,
          `${who}이(가) 자기 FIN이 확인되기 전에 상대의 FIN을 받습니다: CLOSING, 동시 종료입니다. 받은 FIN에는 ACK로 답합니다.`,
        ];
      case 'TIME-WAIT':
        if (c.timeWait.size > 0) {
          return [
            `${who} gets the ACK of its FIN too: TIME-WAIT on ${who} as well — after a simultaneous close both sides wait out 2 × MSL.`,
            `${who}도 자기 FIN에 대한 ACK를 받습니다: ${who}에서도 TIME-WAIT입니다. 동시 종료 뒤에는 양쪽 모두 2 × MSL을 기다립니다.`,
          ];
        }
        if (e.from === 'CLOSING') {
          return [
            `The ACK of ${who}'s FIN comes back (step 2, late because the FINs crossed): TIME-WAIT. ${who} keeps the connection's memory for 2 × MSL, so a late or repeated segment of this connection cannot be mistaken for a new one's, and so it can acknowledge the other side's FIN again if its ACK was lost. Until then netstat lists it as TIME_WAIT.`,
            `${who}의 FIN에 대한 ACK가 돌아옵니다 (FIN이 엇갈려 늦게 온 2단계): TIME-WAIT. 2 × MSL 동안 연결을 기억해, 늦거나 반복된 세그먼트가 새 연결의 것으로 오인되지 않게 하고, 자기 ACK가 사라졌다면 상대의 FIN에 다시 답할 수 있게 합니다. 그때까지 netstat은 이 연결을 TIME_WAIT로 보여 줍니다.`,
          ];
        }
        return [
          `${who} gets that FIN and sends the last ACK (step 4): TIME-WAIT. It keeps the connection's memory for 2 × MSL, so a late or repeated segment of this connection cannot be mistaken for a new one's, and so it can repeat the last ACK if it was lost.`,
          `${who}이(가) 그 FIN을 받고 마지막 ACK를 보냅니다 (4단계): TIME-WAIT. 2 × MSL 동안 연결을 기억해, 늦거나 반복된 세그먼트가 새 연결의 것으로 오인되지 않게 하고, 마지막 ACK가 사라졌다면 다시 보낼 수 있게 합니다.`,
        ];
      case 'CLOSED': {
        if (e.from === 'TIME-WAIT') {
          const waited = ms(this.sim.now - (c.timeWait.get(who) ?? this.sim.now));
          return [
            `TIME-WAIT of connection #1 is over on ${who} (${waited} later): the connection is gone.`,
            `${who}에서 연결 #1의 TIME-WAIT가 끝났습니다 (${waited} 뒤): 연결이 사라졌습니다.`,
          ];
        }
        if (e.from === 'LAST-ACK') {
          return [
            `${who} gets the last ACK: connection #1 is CLOSED on its side.`,
            `${who}이(가) 마지막 ACK를 받습니다: 그쪽에서 연결 #1은 CLOSED입니다.`,
          ];
        }
        const [why, whyKo] = closedWhy(e.from, e.cause);
        return [
          `Connection #1 is closed on ${who}, with no TIME-WAIT there: ${why}.`,
          `${who}에서 연결 #1이 닫혔고, 이쪽에는 TIME-WAIT가 없습니다: ${whyKo}.`,
        ];
      }
      default:
        return undefined;
    }
  }

  // ---- TLS ----------------------------------------------------------------------------

  private tlsHandshake(e: TraceEventOf<'tls.handshake'>): void {
    if (e.node !== this.client || e.role !== 'client') return;
    const d = e.details;
    if (d.type === 'ClientHello') {
      this.tlsHandshakes++;
      this.tlsStartedAt.set(e.peer, this.sim.now);
      if (this.tlsHandshakes !== 1) return;
      this.firstTlsOpen = true;
      const suites = d.suites.length > 3 ? `${d.suites.slice(0, 3).join(', ')}, …` : d.suites.join(', ');
      const share = d.keyShares.join(', ') || 'none';
      const sni = d.serverName ?? '(none: an address)';
      const alpn = d.alpn?.join(', ') ?? 'none';
      this.say(
        'tls',
        e.node,
        `HTTPS: before any HTTP, TLS secures the TCP connection. ClientHello (${e.length} bytes, in the clear): versions ${d.versions.join(', ')}; a 32-byte random ${short(d.random)}; ${d.suites.length} cipher suites (${suites}); a key share for ${share} (the browser's half of a Diffie-Hellman exchange); SNI ${sni} (which site it wants); ALPN ${alpn} (what will run inside).`,
        `HTTPS: HTTP보다 먼저 TLS가 TCP 연결을 보호합니다. ClientHello (${e.length}바이트, 평문): 버전 ${d.versions.join(', ')}; 32바이트 난수 ${short(d.random)}; 암호 스위트 ${d.suites.length}개 (${suites}); ${share} 키 공유(브라우저 쪽 디피-헬먼 값); SNI ${sni} (원하는 사이트); ALPN ${alpn} (안에서 쓸 프로토콜).`,
      );
      return;
    }
    if (!this.firstTlsOpen) return;
    switch (d.type) {
      case 'HelloRetryRequest':
        this.say(
          'tls',
          e.node,
          `HelloRetryRequest: the server wants a key share for ${d.selectedGroup ?? 'another group'}; the browser sends a second ClientHello (one more round trip).`,
          `HelloRetryRequest: 서버가 ${d.selectedGroup ?? '다른 그룹'}의 키 공유를 원해, 브라우저가 ClientHello를 다시 보냅니다 (왕복 한 번 더).`,
        );
        return;
      case 'ServerHello':
        this.firstTlsVersion = d.version;
        this.say(
          'tls',
          e.node,
          `ServerHello (one round trip, ${ms(this.sim.now - (this.tlsStartedAt.get(e.peer) ?? this.sim.now))}, after the ClientHello): the server picks ${d.version} and ${d.suite}, sends its own random ${short(d.random)} and its ${d.keyShare ?? 'key'} share. From the two shares both sides compute the same secret (ECDHE) that no eavesdropper can: every handshake message after this one is encrypted.`,
          `ServerHello (ClientHello 뒤 한 번의 왕복, ${ms(this.sim.now - (this.tlsStartedAt.get(e.peer) ?? this.sim.now))}): 서버가 ${d.version}과 ${d.suite}를 고르고, 자신의 난수 ${short(d.random)}와 ${d.keyShare ?? '키'} 공유를 보냅니다. 두 공유 값으로 양쪽이 같은 비밀(ECDHE)을 계산하며, 엿듣는 사람은 계산할 수 없습니다. 이 뒤의 핸드셰이크 메시지는 모두 암호화됩니다.`,
        );
        return;
      case 'ChangeCipherSpec':
        if (this.firstTlsVersion !== 'TLS 1.3') {
          this.say(
            'tls',
            e.node,
            `ChangeCipherSpec from ${e.direction === 'sent' ? 'the browser' : 'the server'} (1 byte, in the clear): from its next record on, that side encrypts with the session keys.`,
            `${e.direction === 'sent' ? '브라우저' : '서버'}의 ChangeCipherSpec (1바이트, 평문): 다음 레코드부터 그쪽은 세션 키로 암호화합니다.`,
          );
        } else if (e.direction === 'received') {
          // RFC 8446 Appendix D.4; the browser's own, before its Finished, goes unsaid.
          this.say(
            'tls',
            e.node,
            `ChangeCipherSpec (1 byte, in the clear), and the browser sends one too: in TLS 1.3 it changes nothing and both sides ignore it. It makes the handshake look like a resumed TLS 1.2 session to old middleboxes that would drop anything else (RFC 8446 Appendix D.4); the 32-byte session id in the ClientHello, echoed by the server, is part of the same disguise.`,
            `ChangeCipherSpec (1바이트, 평문), 브라우저도 하나 보냅니다: TLS 1.3에서는 아무것도 바꾸지 않고 양쪽 모두 무시합니다. 다른 모양이면 끊어 버리는 오래된 중간 장비(middlebox)에게 핸드셰이크를 재개된 TLS 1.2 세션처럼 보이게 하려는 것입니다(RFC 8446 부록 D.4). ClientHello의 32바이트 세션 ID와 서버의 그 값 그대로의 응답도 같은 위장의 일부입니다.`,
          );
        }
        return;
      case 'ServerKeyExchange':
        this.say(
          'tls',
          e.node,
          `ServerKeyExchange (TLS 1.2): the server's ${d.group} key share, signed with its certificate's key (${d.signatureScheme}).`,
          `ServerKeyExchange (TLS 1.2): 서버의 ${d.group} 키 공유, 인증서 키로 서명됨 (${d.signatureScheme}).`,
        );
        return;
      case 'EncryptedExtensions':
        this.say(
          'tls',
          e.node,
          `EncryptedExtensions (encrypted): the server's answers to the hello's options${d.alpn ? `: ALPN ${d.alpn}, so ${d.alpn === 'h2' ? 'HTTP/2' : 'HTTP/1.1'} will run inside` : ''} (${d.extensions.join(', ') || 'none'}).`,
          `EncryptedExtensions (암호화됨): hello 옵션에 대한 서버의 답${d.alpn ? `: ALPN ${d.alpn}, 안에서 ${d.alpn === 'h2' ? 'HTTP/2' : 'HTTP/1.1'}를 씁니다` : ''} (${d.extensions.join(', ') || '없음'}).`,
        );
        return;
      case 'Certificate': {
        const links = d.chain.map((c) => `${cn(c.subject)} (issued by ${cn(c.issuer)})`).join('; ');
        const linksKo = d.chain.map((c) => `${cn(c.subject)} (발급자 ${cn(c.issuer)})`).join('; ');
        const leaf = d.chain[0];
        this.say(
          'tls',
          e.node,
          `Certificate (encrypted, ${e.length} bytes): the server's chain — ${links}. The leaf binds the public key (${leaf?.key ?? '?'}) to ${leaf?.names.join(', ') ?? '?'}, valid ${leaf?.notBefore ?? '?'} to ${leaf?.notAfter ?? '?'}; its SHA-256 fingerprint (${shortFingerprint(leaf?.fingerprint)}) is the hash of its bytes that a certificate viewer shows. The root is not sent: the browser must already have it.`,
          `Certificate (암호화됨, ${e.length}바이트): 서버의 인증서 체인 — ${linksKo}. 말단 인증서는 공개 키(${leaf?.key ?? '?'})를 ${leaf?.names.join(', ') ?? '?'}에 묶으며, ${leaf?.notBefore ?? '?'}부터 ${leaf?.notAfter ?? '?'}까지 유효합니다. SHA-256 지문(${shortFingerprint(leaf?.fingerprint)})은 인증서 바이트의 해시로, 인증서 뷰어가 보여 주는 값입니다. 루트는 보내지 않습니다. 브라우저가 이미 가지고 있어야 합니다.`,
        );
        return;
      }
      case 'CertificateVerify':
        this.say(
          'tls',
          e.node,
          `CertificateVerify: the server signs the handshake so far with the private key of its certificate (${d.signatureScheme}, ${d.signatureLength} bytes) — proof that it holds the key, not just a copy of the certificate.`,
          `CertificateVerify: 서버가 지금까지의 핸드셰이크를 인증서의 개인 키로 서명합니다 (${d.signatureScheme}, ${d.signatureLength}바이트). 인증서 사본만이 아니라 키를 가지고 있다는 증거입니다.`,
        );
        return;
      case 'Finished':
        if (e.direction === 'received') {
          this.say(
            'tls',
            e.node,
            `Finished from the server: a MAC over every handshake message, so a change by anyone in between would be noticed.`,
            `서버의 Finished: 모든 핸드셰이크 메시지에 대한 MAC이라, 중간에서 누가 바꾸었다면 드러납니다.`,
          );
        } else {
          this.say(
            'tls',
            e.node,
            `The browser sends its own Finished. The handshake is done, ${ms(this.sim.now - (this.tlsStartedAt.get(e.peer) ?? this.sim.now))} after the ClientHello; from now on HTTP travels inside encrypted TLS records.`,
            `브라우저도 Finished를 보냅니다. ClientHello 뒤 ${ms(this.sim.now - (this.tlsStartedAt.get(e.peer) ?? this.sim.now))} 만에 핸드셰이크가 끝났고, 이제 HTTP는 암호화된 TLS 레코드 안에서 오갑니다.`,
          );
        }
        return;
      default:
        return;
    }
  }

  private pkiValidate(e: TraceEventOf<'pki.validate'>): void {
    if (e.validator !== this.client || !this.firstTlsOpen) return;
    const steps = e.steps;
    const root = steps.find((s) => s.check === 'trust-anchor');
    const leafValidity = steps.find((s) => s.check === 'validity' && s.depth === 0);
    const host = steps.find((s) => s.check === 'hostname');
    const signatures = steps.filter((s) => s.check === 'signature');
    const clock = new Date(this.wallClockMs()).toISOString().replace('.000Z', 'Z');
    if (e.ok) {
      this.say(
        'tls',
        e.validator,
        `The browser checks the certificate: the chain ends at ${cn(root?.subject ?? '?')}, a root in its trust store (${e.trustStore}); ${signatures.length} signatures verify, each with the issuer's public key; every certificate is valid at the browser's clock (${clock}; the leaf: ${leafValidity?.detail ?? '?'}); the issuer is a CA allowed to sign; and the host name passes: ${host?.detail ?? 'not checked'}.`,
        `브라우저가 인증서를 검사합니다: 체인은 신뢰 저장소(${e.trustStore})에 있는 루트 ${cn(root?.subject ?? '?')}에서 끝나고, 서명 ${signatures.length}개가 각각 발급자의 공개 키로 검증되며, 모든 인증서가 브라우저 시계(${clock}, 말단: ${leafValidity?.detail ?? '?'})로 유효하고, 발급자는 서명이 허용된 CA이며, 호스트 이름도 맞습니다: ${host?.detail ?? '검사 안 함'}.`,
      );
      return;
    }
    const failed = steps.filter((s) => !s.ok).at(-1);
    this.say(
      'tls',
      e.validator,
      `The browser checks the certificate and refuses it: ${e.error ?? 'failed'} — ${failed?.detail ?? ''} (at the browser's clock ${clock}, trust store ${e.trustStore}). It sends a TLS alert and closes the connection: no HTTP request is ever sent.`,
      `브라우저가 인증서를 검사하고 거부합니다: ${e.error ?? '실패'} — ${failed?.detail ?? ''} (브라우저 시계 ${clock}, 신뢰 저장소 ${e.trustStore}). TLS 경고를 보내고 연결을 닫으며, HTTP 요청은 보내지 않습니다.`,
    );
  }

  private tlsEstablished(e: TraceEventOf<'tls.established'>): void {
    if (e.node !== this.client || e.role !== 'client') return;
    this.tlsUsed = true;
    const took = ms(this.sim.now - (this.tlsStartedAt.get(e.peer) ?? this.sim.now));
    if (this.firstTlsOpen) {
      this.firstTlsOpen = false;
      return;
    }
    this.say(
      'tls',
      e.node,
      `TLS on another connection to ${this.name(e.peer.split(':')[0]!)}: ${e.version}, ${e.suite}, ${e.keyExchange}${e.alpn ? `, ALPN ${e.alpn}` : ''} (handshake ${took}; the same certificate checks).`,
      `${this.name(e.peer.split(':')[0]!)}로의 다른 연결에도 TLS: ${e.version}, ${e.suite}, ${e.keyExchange}${e.alpn ? `, ALPN ${e.alpn}` : ''} (핸드셰이크 ${took}, 같은 인증서 검사).`,
    );
  }

  private tlsFailed(e: TraceEventOf<'tls.failed'>): void {
    if (e.node !== this.client || e.role !== 'client' || !this.firstTlsOpen) return;
    this.firstTlsOpen = false;
    this.say(
      'tls',
      e.node,
      `TLS failed: the browser sent the alert ${e.alert ?? '?'} (${e.message}).`,
      `TLS 실패: 브라우저가 경고 ${e.alert ?? '?'}를 보냈습니다 (${e.message}).`,
    );
  }

  /** The simulated wall clock (2025-01-01 plus simulated time), ms since 1970. */
  private wallClockMs(): number {
    return simWallClockMs(this.sim.now);
  }

  /**
   * How connection #1 ends over TLS, where the events show it: the client's close_notify
   * (the record that left just before its FIN), the server's close_notify in answer and its
   * FIN, and the client in CLOSING when the FINs cross. Other states: closeLine.
   */
  private tlsClose(
    e: TraceEventOf<'tcp.state'>,
    c: Connection,
    who: string,
    mine: boolean,
  ): [string, string] | undefined {
    const now = this.sim.now;
    if (mine && e.to === 'FIN-WAIT-1' && this.closeNotifySentAt === now && c.lastOut?.time === now) {
      const bytes = c.lastOut.bytes;
      return [
        `${who} is done with connection #1 and closes it: a TLS close_notify alert ("no more data from me", an encrypted record of ${bytes} bytes), then FIN: FIN-WAIT-1 (step 1 of the 4-way close). The browser's TLS goes on reading until the server's close_notify answers, and drops whatever else comes.`,
        `${who}은(는) 연결 #1을 다 쓰고 닫습니다. TLS close_notify 경고("더 보낼 데이터 없음", ${bytes}바이트의 암호화된 레코드)를 보낸 뒤 FIN을 보내며 FIN-WAIT-1 상태가 됩니다 (4-way 종료 1단계). 브라우저의 TLS는 서버의 close_notify가 답으로 올 때까지 계속 읽고, 그 밖에 오는 것은 버립니다.`,
      ];
    }
    const answered = !mine && c.serverGotCloseNotify === now && c.serverSentCloseNotify === now;
    if (answered && e.to === 'FIN-WAIT-1') {
      return [
        `${who} reads the close_notify and closes its side at once: its own close_notify, then FIN (FIN-WAIT-1). The browser's FIN, sent right after its close_notify, has not arrived yet (it would have made ${who} CLOSE-WAIT): the two FINs cross.`,
        `${who}이(가) close_notify를 읽고 곧바로 자기 쪽도 닫습니다. 자신의 close_notify를 보낸 뒤 FIN을 보냅니다 (FIN-WAIT-1). 브라우저가 close_notify 바로 뒤에 보낸 FIN은 아직 도착하지 않았습니다 (도착했다면 ${who}은(는) CLOSE-WAIT였을 것입니다): 두 FIN이 엇갈립니다.`,
      ];
    }
    if (answered && e.to === 'LAST-ACK') {
      return [
        `${who} reads the close_notify and answers with its own, then closes its side: FIN, LAST-ACK (step 3).`,
        `${who}이(가) close_notify를 읽고 자신의 close_notify로 답한 뒤 자기 쪽을 닫습니다: FIN, LAST-ACK (3단계).`,
      ];
    }
    if (mine && e.to === 'CLOSING') {
      return [
        `The server's FIN arrives while ${who}'s own FIN is still unacknowledged: ${who} is in CLOSING too, and acknowledges the server's FIN (step 4 comes before step 2: the FINs crossed).`,
        `${who}의 FIN이 아직 확인되지 않았는데 서버의 FIN이 도착합니다. ${who}도 CLOSING 상태가 되고, 서버의 FIN에 ACK로 답합니다 (FIN이 엇갈려 4단계가 2단계보다 먼저 옵니다).`,
      ];
    }
    return undefined;
  }

  /** close_notify alerts: the server's on each connection, and the one answering connection #1's. */
  private tlsAlert(e: TraceEventOf<'tls.alert'>): void {
    if (e.alert !== 'close_notify') return;
    const now = this.sim.now;
    if (e.role === 'server') {
      const c = this.byClientEndpoint.get(e.peer);
      if (!c) return;
      if (e.direction === 'received') c.serverGotCloseNotify = now;
      else c.serverSentCloseNotify = now;
      return;
    }
    if (e.node !== this.client) return;
    if (e.direction === 'sent') {
      this.closeNotifySentAt = now;
      return;
    }
    // Connection #1's: the record that arrived on it at this very instant.
    const c = this.watched;
    if (c?.n !== 1 || c.lastIn?.time !== now || c.serverSentCloseNotify === undefined) return;
    this.say(
      'tls',
      e.node,
      `The server's close_notify reaches ${e.node} (an encrypted record of ${c.lastIn.bytes} bytes): the answer the browser's TLS was waiting for. Both sides have now said they are done, so the browser closes the socket; TCP finishes the close on its own.`,
      `서버의 close_notify가 ${e.node}에 도착합니다 (${c.lastIn.bytes}바이트의 암호화된 레코드). 브라우저의 TLS가 기다리던 답입니다. 이제 양쪽 모두 끝났다고 말했으므로 브라우저는 소켓을 닫고, 나머지 종료는 TCP가 스스로 마칩니다.`,
    );
  }

  // ---- HTTP and the page ----------------------------------------------------------------

  private httpRequest(e: TraceEventOf<'http.request'>): void {
    if (e.node !== this.client || e.side !== 'client') return;
    this.requestsNarrated++;
    if (this.requestsNarrated > 1) return;
    const inside = this.tlsUsed
      ? ' It goes inside an encrypted TLS record: on the wire an eavesdropper sees only its size.'
      : '';
    const insideKo = this.tlsUsed
      ? ' 요청은 암호화된 TLS 레코드 안에 담겨, 엿듣는 사람에게는 크기만 보입니다.'
      : '';
    this.say(
      'http',
      e.node,
      `HTTP: the browser sends its request on the connection: "${e.method} ${e.target} ${httpVersion(e.version)}" with ${e.headBytes} bytes of header lines (Host, User-Agent, Accept...). HTTP itself keeps no state: this request stands alone.${inside}`,
      `HTTP: 브라우저가 연결로 요청을 보냅니다: "${e.method} ${e.target} ${httpVersion(e.version)}", 헤더 줄(Host, User-Agent, Accept...) ${e.headBytes}바이트. HTTP 자체는 상태를 두지 않으므로 이 요청은 홀로 섭니다.${insideKo}`,
    );
  }

  private resource(e: TraceEventOf<'browser.resource'>): void {
    if (e.node !== this.client) return;
    const r = e.resource;
    const file = r.url.replace(/^[a-z]+:\/\/[^/]+/, '') || '/';
    if (r.error) {
      this.say(
        'http',
        e.node,
        `${file} failed: ${r.error.netError} (${r.error.message}).`,
        `${file} 실패: ${r.error.netError} (${r.error.message}).`,
      );
      return;
    }
    const ttfb =
      r.requestStart !== undefined && r.responseStart !== undefined
        ? ms(r.responseStart - r.requestStart)
        : '?';
    const via = r.connection === undefined ? '' : `, connection ${r.reused ? 'reused' : 'new'}`;
    if (r.initiator === undefined) {
      this.say(
        'http',
        e.node,
        `The response: ${r.status} for ${file}, ${r.contentType ?? 'no Content-Type'} (the MIME type tells the browser what the bytes are), ${kb(r.size)}; the first byte came ${ttfb} after the request. The browser reads the HTML and finds the images, scripts and stylesheets it refers to.`,
        `응답: ${file}에 대해 ${r.status}, ${r.contentType ?? 'Content-Type 없음'}(MIME 타입이 바이트가 무엇인지 알려 줍니다), ${kbKo(r.size)}. 첫 바이트는 요청 뒤 ${ttfb}에 왔습니다. 브라우저는 HTML을 읽어 그것이 가리키는 이미지, 스크립트, 스타일시트를 찾습니다.`,
      );
      return;
    }
    this.say(
      'http',
      e.node,
      `${file}: ${r.status}, ${r.contentType ?? '?'}, ${kb(r.size)} (first byte ${ttfb} after the request${via}).`,
      `${file}: ${r.status}, ${r.contentType ?? '?'}, ${kbKo(r.size)} (요청 뒤 ${ttfb}에 첫 바이트${r.connection === undefined ? '' : r.reused ? ', 연결 재사용' : ', 새 연결'}).`,
    );
  }

  private done(e: TraceEventOf<'browser.done'>): void {
    if (e.node !== this.client) return;
    const lt = e.loadTime >= MILLISECOND ? ms(e.loadTime) : `${e.loadTime} ns`;
    this.say(
      'page',
      e.node,
      `The page is loaded: ${e.resources} resources (${e.failed} failed), ${kb(e.bytes)}, over ${e.connections} TCP connection${e.connections === 1 ? '' : 's'}, ${lt} after you pressed Enter.`,
      `페이지를 다 불러왔습니다: 리소스 ${e.resources}개(실패 ${e.failed}개), ${kbKo(e.bytes)}, TCP 연결 ${e.connections}개, Enter 뒤 ${lt}.`,
    );
  }
}
