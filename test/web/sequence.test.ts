/** Ladder diagrams from frames: origins, arrivals, losses, ICMP errors, TLS notes, limits. */
import { describe, expect, it } from 'vitest';
import { SequenceBuilder } from '../../web/src/engine/sequence.ts';
import '../../src/application/tls/trace-events.ts';

const hex = (s: string) =>
  Uint8Array.from(
    s
      .replace(/\s+/g, '')
      .match(/../g)!
      .map((b) => Number.parseInt(b, 16)),
  );
const OWNERS = new Map([
  [0x0a000001, 'a'],
  [0x0a000002, 'b'],
  [0x0a000101, 'r'],
]);
const KINDS: Record<string, string> = { a: 'host', b: 'host', r: 'router', sw: 'switch' };
const ctx = { owner: (x: number) => OWNERS.get(x), kind: (n: string) => KINDS[n] };

const arpRequest = (target: string) =>
  hex(
    `ffffffffffff 020000000001 0806 0001 0800 0604 0001 020000000001 0a000001 000000000000 ${target} ${'00'.repeat(18)}`,
  );
/** UDP a → b with IP id `id`. */
const udp = (id: string) =>
  hex(
    `020000000002 020000000001 0800 4500 0020 ${id} 0000 4011 0000 0a000001 0a000002 14e9 0035 000c 0000 deadbeef`,
  );

describe('sequence builder', () => {
  it('starts a message where it originates and ends it where it is for', () => {
    const s = new SequenceBuilder(ctx);
    s.onTx(0, 100, 'a', udp('0001'));
    s.onTx(1, 150, 'sw', udp('0001')); // a switch repeating it: not a new message
    s.onRx(160, 'sw', udp('0001'));
    s.onRx(200, 'b', udp('0001'));
    expect(s.messages).toHaveLength(1);
    expect(s.messages[0]).toMatchObject({
      packet: 0,
      from: 'a',
      to: 'b',
      tx: 100,
      rx: 200,
      lost: null,
      protocol: 'UDP',
    });
    expect(s.summaries()).toEqual([
      { id: 0, a: 'a', b: 'b', ports: '', protocols: ['UDP'], messages: 1, first: 100 },
    ]);
  });

  it('draws an unanswered ARP request and its retry as two messages, the first lost', () => {
    const s = new SequenceBuilder(ctx);
    s.onTx(0, 0, 'a', arpRequest('0a000002'));
    s.onTx(1, 1000, 'a', arpRequest('0a000002'));
    s.onRx(1010, 'b', arpRequest('0a000002'));
    expect(s.messages.map((m) => [m.tx, m.rx])).toEqual([
      [0, null],
      [1000, 1010],
    ]);
    const d = s.diagram(0, 0, 10, () => ({ protocol: 'ARP', info: '' }));
    expect(d.messages.map((m) => m.label)).toEqual([
      'Who has 10.0.0.2? Tell 10.0.0.1',
      'Who has 10.0.0.2? Tell 10.0.0.1',
    ]);
  });

  it('says why a message was lost when the drop of that frame was traced', () => {
    const s = new SequenceBuilder(ctx);
    s.onTx(0, 0, 'a', udp('0002'));
    s.onDrop('link-loss', udp('0002'));
    s.onTx(1, 10, 'a', udp('0003'));
    s.onEvent({
      type: 'ip.drop',
      time: 12,
      node: 'r',
      reason: 'ttl-expired',
      source: 0x0a000001,
      destination: 0x0a000002,
      protocol: 17,
    });
    expect(s.messages.map((m) => m.lost)).toEqual(['link-loss', 'ttl-expired (r)']);
  });

  it('puts a router’s ICMP error in the ladder of the datagram it quotes, between the ends', () => {
    const s = new SequenceBuilder(ctx);
    s.onTx(0, 0, 'a', udp('0004'));
    // Time exceeded from r (10.0.1.1) to a, quoting the UDP datagram a → b.
    const quoted = '4500 0020 0004 0000 0111 0000 0a000001 0a000002 14e9 0035 000c 0000';
    const icmp = hex(
      `020000000001 020000000003 0800 4500 0038 0009 0000 4001 0000 0a000101 0a000001 0b00 0000 00000000 ${quoted}`,
    );
    s.onTx(1, 5, 'r', icmp);
    s.onRx(9, 'a', icmp);
    expect(s.conversations).toHaveLength(1);
    expect(s.conversations[0]!.lanes).toEqual(['a', 'r', 'b']);
    expect(s.messages[1]).toMatchObject({ from: 'r', to: 'a', rx: 9, protocol: 'ICMP' });
  });

  it('notes each TLS message on the lane of its sender, in its TCP connection, with what it carries', () => {
    const s = new SequenceBuilder(ctx);
    const a = { address: '10.0.0.1', port: 51243 };
    const b = { address: '10.0.0.2', port: 443 };
    s.onEvent({
      type: 'tcp.state',
      time: 1,
      node: 'a',
      local: a,
      remote: b,
      from: 'SYN-SENT',
      to: 'ESTABLISHED',
      cause: 'rcv-syn-ack',
    });
    s.onEvent({
      type: 'tcp.state',
      time: 2,
      node: 'b',
      local: b,
      remote: a,
      from: 'SYN-RECEIVED',
      to: 'ESTABLISHED',
      cause: 'rcv-ack-of-syn',
    });
    const tls = { role: 'client', peer: '10.0.0.2:443', length: 262, encrypted: false } as const;
    s.onEvent({
      ...tls,
      type: 'tls.handshake',
      time: 3,
      node: 'a',
      direction: 'sent',
      details: { type: 'ClientKeyExchange', kind: 'rsa', encryptedPremasterSecret: '00'.repeat(256) },
    });
    // The same message received: the note is on the sender's lane only.
    s.onEvent({
      ...tls,
      type: 'tls.handshake',
      time: 4,
      node: 'b',
      role: 'server',
      peer: '10.0.0.1:51243',
      direction: 'received',
      details: { type: 'ClientKeyExchange', kind: 'rsa', encryptedPremasterSecret: '00'.repeat(256) },
    });
    s.onEvent({
      ...tls,
      type: 'tls.handshake',
      time: 4,
      node: 'b',
      role: 'server',
      peer: '10.0.0.1:51243',
      direction: 'sent',
      details: { type: 'ServerHelloDone' },
      length: 4,
    });
    s.onEvent({
      type: 'tls.alert',
      time: 5,
      node: 'b',
      role: 'server',
      peer: '10.0.0.1:51243',
      direction: 'sent',
      level: 'fatal',
      alert: 'handshake_failure',
    });
    s.onEvent({
      type: 'tls.established',
      time: 6,
      node: 'a',
      role: 'client',
      peer: '10.0.0.2:443',
      version: 'TLS 1.2',
      suite: 'TLS_RSA_WITH_AES_128_GCM_SHA256',
      keyExchange: 'rsa',
      peerChain: [],
    });
    expect(s.conversations).toHaveLength(1);
    expect(s.conversations[0]!.notes.map((n) => [n.lane, n.time, n.text])).toEqual([
      ['a', 1, 'ESTABLISHED'],
      ['b', 2, 'ESTABLISHED'],
      ['a', 3, 'TLS ClientKeyExchange (RSA-encrypted pre-master secret, 256 bytes)'],
      ['b', 4, 'TLS ServerHelloDone'],
      ['b', 5, 'TLS Alert (fatal, handshake_failure)'],
      ['a', 6, 'TLS: TLS 1.2 TLS_RSA_WITH_AES_128_GCM_SHA256'],
    ]);
  });

  it('bounds what it keeps', () => {
    const s = new SequenceBuilder(ctx, { maxMessages: 3, maxPending: 2 });
    for (let i = 0; i < 5; i++) s.onTx(i, i, 'a', udp(`000${i + 5}`));
    expect(s.messages).toHaveLength(3);
    expect(s.truncated).toBe(2);
    // Only the two newest still wait for their arrival.
    for (let i = 0; i < 5; i++) s.onRx(100 + i, 'b', udp(`000${i + 5}`));
    expect(s.messages.map((m) => m.rx)).toEqual([null, 101, 102]);
  });
});
