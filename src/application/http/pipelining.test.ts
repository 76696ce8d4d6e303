/**
 * HTTP/1.1 pipelining in the machine: requests parsed ahead, answered in any order,
 * released on the wire strictly in request order. A quick answer waits behind a slow one:
 * head-of-line blocking.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpConnection, type HttpConnectionEvent } from './connection.ts';
import { HeaderList } from './header-list.ts';
import { bytes, text } from './test-helpers.ts';

function events(conn: HttpConnection): HttpConnectionEvent[] {
  const out: HttpConnectionEvent[] = [];
  for (let e = conn.nextEvent(); e; e = conn.nextEvent()) out.push(e);
  return out;
}

function answer(conn: HttpConnection, id: number, body: string): void {
  conn.send({
    type: 'response',
    exchange: id,
    head: {
      version: '1.1',
      status: 200,
      reason: 'OK',
      headers: HeaderList.from({ 'Content-Length': body.length }),
    },
  });
  conn.send({ type: 'data', exchange: id, data: bytes(body) });
  conn.send({ type: 'end', exchange: id });
}

const GET = (path: string) => `GET ${path} HTTP/1.1\r\nHost: site\r\n\r\n`;
const RESPONSE = (body: string) => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

describe('server side', () => {
  it('holds responses 2 and 3 behind a slow response 1, then releases all three in order', () => {
    const conn = new HttpConnection('server');
    conn.receive(bytes(GET('/slow') + GET('/a') + GET('/b')), 0);
    const reqs = events(conn).filter((e) => e.type === 'request');
    expect(reqs.map((e) => (e.type === 'request' ? `${e.exchange} ${e.head.target}` : ''))).toEqual([
      '1 /slow',
      '2 /a',
      '3 /b',
    ]);
    answer(conn, 3, 'b');
    answer(conn, 2, 'a');
    expect(conn.takeOutput()).toEqual([]);
    expect(conn.blockedBy(2)).toBe(1);
    expect(conn.blockedBy(3)).toBe(1);
    expect(conn.takeReleased()).toEqual([]);
    answer(conn, 1, 'slow');
    expect(conn.takeOutput().map(text).join('')).toBe(RESPONSE('slow') + RESPONSE('a') + RESPONSE('b'));
    expect(conn.takeReleased()).toEqual([2, 3]);
    expect(conn.inFlight).toEqual([]);
    expect(conn.mustClose).toBe(false);
  });

  it('streams the head-of-line response as it is produced, holding only later ones', () => {
    const conn = new HttpConnection('server');
    conn.receive(bytes(GET('/1') + GET('/2')), 0);
    events(conn);
    answer(conn, 2, 'two');
    conn.send({
      type: 'response',
      exchange: 1,
      head: { version: '1.1', status: 200, reason: 'OK', headers: HeaderList.from({ 'Content-Length': 3 }) },
    });
    expect(text(conn.takeOutput()[0]!)).toBe('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n');
    conn.send({ type: 'data', exchange: 1, data: bytes('one') });
    expect(conn.takeOutput().map(text)).toEqual(['one']);
    conn.send({ type: 'end', exchange: 1 });
    expect(conn.takeOutput().map(text).join('')).toBe(RESPONSE('two'));
  });

  it('parses no further than maxPipelined requests ahead, and asks for no more bytes', () => {
    const conn = new HttpConnection('server', { maxPipelined: 2 });
    conn.receive(bytes(GET('/1') + GET('/2') + GET('/3') + GET('/4')), 0);
    expect(events(conn).filter((e) => e.type === 'request')).toHaveLength(2);
    expect(conn.wantsRead).toBe(false);
    expect(conn.pollAt()).toBeNull(); // waiting on us, not on the client: no header timer
    answer(conn, 1, '1');
    expect(events(conn).map((e) => e.type)).toEqual(['request', 'end']);
    answer(conn, 2, '2');
    answer(conn, 3, '3');
    expect(events(conn).map((e) => e.type)).toEqual(['request', 'end']);
    answer(conn, 4, '4');
    expect(conn.wantsRead).toBe(true);
  });

  it('releases in request order whatever order the answers come in (property)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 8 })
          .chain((n) => fc.shuffledSubarray([...Array(n).keys()], { minLength: n })),
        (order) => {
          const n = order.length;
          const conn = new HttpConnection('server');
          conn.receive(bytes(Array.from({ length: n }, (_, i) => GET(`/${i}`)).join('')), 0);
          events(conn);
          let wire = '';
          for (const i of order) {
            answer(conn, i + 1, `body${i}`);
            wire += conn.takeOutput().map(text).join('');
          }
          expect(wire).toBe(Array.from({ length: n }, (_, i) => RESPONSE(`body${i}`)).join(''));
        },
      ),
    );
  });
});

describe('client side', () => {
  const head = (target: string) => ({
    method: 'GET',
    target,
    version: '1.1' as const,
    headers: HeaderList.from({ Host: 'site' }),
  });

  it('sends requests back to back and matches the responses in order', () => {
    const conn = new HttpConnection('client');
    for (const t of ['/1', '/2', '/3']) {
      expect(conn.canSendRequest).toBe(true);
      conn.send({ type: 'request', head: head(t) });
      conn.send({ type: 'end' });
    }
    expect(conn.takeOutput().map(text).join('')).toBe(GET('/1') + GET('/2') + GET('/3'));
    conn.receive(bytes(RESPONSE('one') + RESPONSE('two')), 100);
    conn.receive(bytes(RESPONSE('three')), 200);
    const evs = events(conn);
    expect(evs.map((e) => `${e.type} ${'exchange' in e ? e.exchange : ''}`)).toEqual([
      'response 1',
      'data 1',
      'end 1',
      'response 2',
      'data 2',
      'end 2',
      'response 3',
      'data 3',
      'end 3',
    ]);
    const firstBytes = evs.flatMap((e) => (e.type === 'response' ? [e.firstByteAt] : []));
    expect(firstBytes).toEqual([100, 100, 200]);
    expect(conn.inFlight).toEqual([]);
  });

  it('reports the requests a closing server never answered', () => {
    const conn = new HttpConnection('client');
    for (const t of ['/1', '/2', '/3']) {
      conn.send({ type: 'request', head: head(t) });
      conn.send({ type: 'end' });
    }
    conn.takeOutput();
    conn.receive(bytes(`HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx`), 5);
    conn.receiveEnd(6);
    const evs = events(conn);
    expect(evs.map((e) => e.type)).toEqual(['response', 'data', 'end', 'closed']);
    expect(evs[3]).toEqual({ type: 'closed', unanswered: [2, 3] });
    expect(conn.mustClose).toBe(true);
    expect(conn.unanswered()).toEqual([2, 3]);
    expect(conn.canSendRequest).toBe(false);
  });
});
