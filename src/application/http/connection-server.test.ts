import { describe, expect, it } from 'vitest';
import { NetlabError } from '../../bytes/netlab-error.ts';
import { SECOND } from '../../sim/time.ts';
import { HttpConnection, type HttpConnectionEvent } from './connection.ts';
import { HeaderList } from './header-list.ts';
import { HttpStateError } from './http-error.ts';
import type { ResponseHead } from './message.ts';
import { bytes, text } from './test-helpers.ts';

function events(conn: HttpConnection): HttpConnectionEvent[] {
  const out: HttpConnectionEvent[] = [];
  for (let e = conn.nextEvent(); e; e = conn.nextEvent()) out.push(e);
  return out;
}

function kinds(evs: HttpConnectionEvent[]): string[] {
  return evs.map((e) => ('exchange' in e && e.exchange !== undefined ? `${e.type} #${e.exchange}` : e.type));
}

function output(conn: HttpConnection): string {
  return conn.takeOutput().map(text).join('');
}

function ok(body: string, extra: Record<string, string> = {}): ResponseHead {
  return {
    version: '1.1',
    status: 200,
    reason: 'OK',
    headers: HeaderList.from({ 'Content-Length': String(body.length), ...extra }),
  };
}

/** Answers exchange `id` with a complete 200 carrying `body`. */
function answer(conn: HttpConnection, id: number, body: string, extra?: Record<string, string>): void {
  conn.send({ type: 'response', exchange: id, head: ok(body, extra) });
  if (body) conn.send({ type: 'data', exchange: id, data: bytes(body) });
  conn.send({ type: 'end', exchange: id });
}

const GET = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: site\r\n${extra}\r\n`;

describe('one exchange, keep-alive', () => {
  it('walks IDLE -> SEND_BODY -> DONE on both halves and back to IDLE', () => {
    const conn = new HttpConnection('server');
    const states: string[] = [];
    const snap = () => states.push(`${conn.states.client}/${conn.states.server}`);
    snap();
    conn.receive(bytes(GET('/')), 0);
    const [req] = [conn.nextEvent()];
    expect(req).toMatchObject({ type: 'request', exchange: 1, head: { method: 'GET', target: '/' } });
    snap();
    expect(conn.nextEvent()).toMatchObject({ type: 'end', exchange: 1 });
    snap();
    conn.send({ type: 'response', exchange: 1, head: ok('hi') });
    snap();
    conn.send({ type: 'data', exchange: 1, data: bytes('hi') });
    conn.send({ type: 'end', exchange: 1 });
    snap();
    expect(states).toEqual([
      'IDLE/IDLE',
      'SEND_BODY/SEND_RESPONSE',
      'DONE/SEND_RESPONSE',
      'DONE/SEND_BODY',
      'IDLE/IDLE',
    ]);
    expect(output(conn)).toBe('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi');
    expect(conn.mustClose).toBe(false);
    expect(conn.wantsRead).toBe(true);
  });

  it('serves a second request on the same connection', () => {
    const conn = new HttpConnection('server');
    conn.receive(bytes(GET('/a')), 0);
    events(conn);
    answer(conn, 1, 'a');
    conn.receive(bytes(GET('/b')), 1);
    expect(kinds(events(conn))).toEqual(['request #2', 'end #2']);
    answer(conn, 2, 'b');
    expect(output(conn)).toContain('\r\n\r\nb');
  });
});

describe('persistence rules (RFC 9112 §9.3)', () => {
  it('closes after an HTTP/1.0 request, saying so', () => {
    const conn = new HttpConnection('server');
    conn.receive(bytes('GET / HTTP/1.0\r\n\r\n'), 0);
    events(conn);
    answer(conn, 1, 'x');
    expect(output(conn)).toBe('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx');
    expect(conn.mustClose).toBe(true);
    expect(conn.states).toEqual({ client: 'MUST_CLOSE', server: 'MUST_CLOSE' });
  });

  it('keeps an HTTP/1.0 keep-alive connection, and says keep-alive back', () => {
    const conn = new HttpConnection('server');
    conn.receive(bytes('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n'), 0);
    events(conn);
    answer(conn, 1, 'x');
    expect(output(conn)).toBe('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: keep-alive\r\n\r\nx');
    expect(conn.mustClose).toBe(false);
  });

  it('closes after Connection: close and processes no pipelined request behind it (§9.6)', () => {
    const conn = new HttpConnection('server');
    conn.receive(bytes(GET('/a', 'Connection: close\r\n') + GET('/b')), 0);
    expect(kinds(events(conn))).toEqual(['request #1', 'end #1']);
    answer(conn, 1, 'a');
    expect(output(conn)).toContain('Connection: close\r\n');
    expect(conn.mustClose).toBe(true);
  });

  it('closes when the application says Connection: close, dropping requests pipelined behind', () => {
    const conn = new HttpConnection('server');
    conn.receive(bytes(GET('/a') + GET('/b')), 0);
    expect(kinds(events(conn))).toEqual(['request #1', 'end #1', 'request #2', 'end #2']);
    answer(conn, 1, 'a', { Connection: 'close' });
    expect(conn.mustClose).toBe(true);
    expect(conn.exchangeStates(2)).toBeUndefined();
    expect(() => answer(conn, 2, 'b')).toThrow(NetlabError);
  });

  it('chunks a response without a length for HTTP/1.1, and closes after one for HTTP/1.0', () => {
    const c11 = new HttpConnection('server');
    c11.receive(bytes(GET('/')), 0);
    events(c11);
    c11.send({
      type: 'response',
      head: { version: '1.1', status: 200, reason: 'OK', headers: HeaderList.EMPTY },
    });
    c11.send({ type: 'data', data: bytes('Mozilla') });
    c11.send({ type: 'end', trailers: HeaderList.from({ Expires: 'never' }) });
    expect(output(c11)).toBe(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\nMozilla\r\n0\r\nExpires: never\r\n\r\n',
    );
    expect(c11.mustClose).toBe(false);

    const c10 = new HttpConnection('server');
    c10.receive(bytes('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n'), 0);
    events(c10);
    c10.send({
      type: 'response',
      head: { version: '1.1', status: 200, reason: 'OK', headers: HeaderList.EMPTY },
    });
    c10.send({ type: 'data', data: bytes('Mozilla') });
    c10.send({ type: 'end' });
    expect(output(c10)).toBe('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nMozilla');
    expect(c10.mustClose).toBe(true);
  });
});

describe('framing of what the server sends', () => {
  it('sends no body for HEAD but keeps the GET Content-Length', () => {
    const conn = new HttpConnection('server');
    conn.receive(bytes('HEAD / HTTP/1.1\r\nHost: s\r\n\r\n'), 0);
    events(conn);
    conn.send({ type: 'response', head: ok('twelve bytes') });
    expect(() => conn.send({ type: 'data', data: bytes('twelve bytes') })).toThrow(NetlabError);
    conn.send({ type: 'end' });
    expect(output(conn)).toBe('HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n');
    expect(conn.states).toEqual({ client: 'IDLE', server: 'IDLE' });
  });

  it('counts Content-Length: too much and too little are local errors', () => {
    const conn = new HttpConnection('server');
    conn.receive(bytes(GET('/')), 0);
    events(conn);
    conn.send({ type: 'response', head: ok('abc') });
    expect(() => conn.send({ type: 'data', data: bytes('abcd') })).toThrow(/too-much|Content-Length/);
    conn.send({ type: 'data', data: bytes('ab') });
    expect(() => conn.send({ type: 'end' })).toThrow(NetlabError);
  });
});

describe('illegal moves by local code throw HttpStateError', () => {
  it('data before the response, a second response, a request from a server', () => {
    const conn = new HttpConnection('server');
    conn.receive(bytes(GET('/')), 0);
    events(conn);
    const before = (() => {
      try {
        conn.send({ type: 'data', exchange: 1, data: bytes('x') });
      } catch (e) {
        return e;
      }
    })();
    expect(before).toBeInstanceOf(HttpStateError);
    expect(before).toMatchObject({ side: 'local', half: 'server', state: 'SEND_RESPONSE', event: 'data' });
    conn.send({ type: 'response', exchange: 1, head: ok('') });
    expect(() => conn.send({ type: 'response', exchange: 1, head: ok('') })).toThrow(HttpStateError);
    expect(() =>
      conn.send({
        type: 'request',
        head: { method: 'GET', target: '/', version: '1.1', headers: HeaderList.EMPTY },
      }),
    ).toThrow(HttpStateError);
  });
});

describe('Expect: 100-continue (RFC 9110 §10.1.1)', () => {
  it('flags the request, sends 100 Continue, then reads the body', () => {
    const conn = new HttpConnection('server');
    conn.receive(bytes('PUT /f HTTP/1.1\r\nHost: s\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n'), 0);
    const [req] = events(conn);
    expect(req).toMatchObject({
      type: 'request',
      expectContinue: true,
      framing: { kind: 'length', length: 5 },
    });
    conn.send({
      type: 'informational',
      head: { version: '1.1', status: 100, reason: 'Continue', headers: HeaderList.EMPTY },
    });
    expect(output(conn)).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    conn.receive(bytes('hello'), 1);
    expect(kinds(events(conn))).toEqual(['data #1', 'end #1']);
    answer(conn, 1, '');
    expect(conn.mustClose).toBe(false);
  });

  it('closes after a final response sent before the body came', () => {
    const conn = new HttpConnection('server');
    conn.receive(
      bytes('PUT /f HTTP/1.1\r\nHost: s\r\nExpect: 100-continue\r\nContent-Length: 5000000\r\n\r\n'),
      0,
    );
    const [err] = events(conn);
    // Over the 1 MiB body limit: 413 before any byte of the body is read.
    expect(err).toMatchObject({ type: 'error', error: { code: 'body-too-large', status: 413 }, exchange: 1 });
    conn.send({
      type: 'response',
      exchange: 1,
      head: { ...ok(''), status: 413, reason: 'Content Too Large' },
    });
    conn.send({ type: 'end', exchange: 1 });
    expect(output(conn)).toBe(
      'HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
    );
    expect(conn.mustClose).toBe(true);
  });

  it('never sends 1xx to an HTTP/1.0 client', () => {
    const conn = new HttpConnection('server');
    conn.receive(bytes('POST / HTTP/1.0\r\nContent-Length: 1\r\n\r\n'), 0);
    events(conn);
    expect(() =>
      conn.send({
        type: 'informational',
        head: { version: '1.1', status: 100, reason: 'Continue', headers: HeaderList.EMPTY },
      }),
    ).toThrow(NetlabError);
  });
});

describe('bad requests get their status and a closed connection', () => {
  it('answers a malformed request line with 400 and reads nothing more', () => {
    const conn = new HttpConnection('server');
    conn.receive(bytes(`GARBAGE\r\n\r\n${GET('/')}`), 0);
    const evs = events(conn);
    expect(evs).toHaveLength(1);
    expect(evs[0]).toMatchObject({
      type: 'error',
      exchange: 1,
      error: { code: 'bad-request-line', status: 400 },
    });
    conn.send({ type: 'response', exchange: 1, head: { ...ok(''), status: 400, reason: 'Bad Request' } });
    conn.send({ type: 'end', exchange: 1 });
    expect(output(conn)).toBe('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    expect(conn.mustClose).toBe(true);
    expect(conn.wantsRead).toBe(false);
  });

  it('answers a bad chunk on exchange 1 with 400 for that exchange', () => {
    const conn = new HttpConnection('server');
    conn.receive(bytes('POST / HTTP/1.1\r\nHost: s\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n'), 0);
    const evs = events(conn);
    expect(kinds(evs)).toEqual(['request #1', 'error #1']);
    expect(evs[1]).toMatchObject({ error: { code: 'bad-chunk-size', status: 400 } });
  });

  it('answers requests pipelined before a bad one, in order, then the 400', () => {
    const conn = new HttpConnection('server');
    conn.receive(bytes(`${GET('/ok')}BAD LINE\r\n\r\n`), 0);
    expect(kinds(events(conn))).toEqual(['request #1', 'end #1', 'error #2']);
    conn.send({ type: 'response', exchange: 2, head: { ...ok(''), status: 400, reason: 'Bad Request' } });
    conn.send({ type: 'end', exchange: 2 });
    expect(output(conn)).toBe('');
    answer(conn, 1, 'fine');
    expect(output(conn)).toBe(
      'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfine' +
        'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
    );
    expect(conn.mustClose).toBe(true);
  });
});

describe('timeouts', () => {
  it('closes an idle keep-alive connection after idleTimeout', () => {
    const conn = new HttpConnection('server', { idleTimeout: 5 * SECOND, now: 0 });
    expect(conn.pollAt()).toBe(5 * SECOND);
    conn.receive(bytes(GET('/')), 1 * SECOND);
    events(conn);
    expect(conn.pollAt()).toBeNull(); // the server owes a response: no timer on the client
    conn.send({ type: 'response', exchange: 1, head: ok('') }, 2 * SECOND);
    conn.send({ type: 'end', exchange: 1 }, 2 * SECOND);
    expect(conn.pollAt()).toBe(7 * SECOND);
    conn.handleTimeout(6 * SECOND);
    expect(conn.nextEvent()).toBeNull();
    conn.handleTimeout(7 * SECOND);
    expect(events(conn)).toEqual([{ type: 'timeout', phase: 'idle' }]);
    expect(conn.mustClose).toBe(true);
  });

  it('gives a slowloris client headerTimeout from its first byte, however it trickles', () => {
    const conn = new HttpConnection('server', { headerTimeout: 10 * SECOND });
    const head = GET('/');
    conn.receive(bytes(head.slice(0, 1)), 3 * SECOND);
    events(conn);
    expect(conn.pollAt()).toBe(13 * SECOND);
    for (let i = 1; i < 20; i++) {
      conn.receive(bytes(head.slice(i, i + 1)), (3 + i * 0.5) * SECOND);
      events(conn);
      expect(conn.pollAt()).toBe(13 * SECOND);
    }
    conn.handleTimeout(13 * SECOND);
    const evs = events(conn);
    expect(evs).toEqual([{ type: 'timeout', phase: 'head', exchange: 1 }]);
    conn.send({ type: 'response', exchange: 1, head: { ...ok(''), status: 408, reason: 'Request Timeout' } });
    conn.send({ type: 'end', exchange: 1 });
    expect(output(conn)).toContain('HTTP/1.1 408 Request Timeout\r\n');
    expect(conn.mustClose).toBe(true);
  });

  it('times out a body that does not arrive within bodyTimeout of its head', () => {
    const conn = new HttpConnection('server', { bodyTimeout: 30 * SECOND });
    conn.receive(bytes('POST / HTTP/1.1\r\nHost: s\r\nContent-Length: 100\r\n\r\nabc'), 1 * SECOND);
    events(conn);
    expect(conn.pollAt()).toBe(31 * SECOND);
    conn.handleTimeout(31 * SECOND);
    expect(events(conn)).toEqual([{ type: 'timeout', phase: 'body', exchange: 1 }]);
  });
});

describe('protocol switch (Upgrade)', () => {
  it('pauses after an Upgrade request and hands the following bytes over after 101', () => {
    const conn = new HttpConnection('server');
    const upgrade = 'GET /chat HTTP/1.1\r\nHost: s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n';
    conn.receive(bytes(`${upgrade}\x81\x05hello`), 0);
    expect(kinds(events(conn))).toEqual(['request #1', 'end #1']);
    conn.send({
      type: 'response',
      exchange: 1,
      head: {
        version: '1.1',
        status: 101,
        reason: 'Switching Protocols',
        headers: HeaderList.from({ Upgrade: 'websocket' }),
      },
    });
    expect(conn.switchedProtocol).toBe(true);
    expect(text(conn.takeBuffered())).toBe('\x81\x05hello');
    expect(output(conn)).toBe('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n');
  });

  it('goes on parsing when the upgrade is declined', () => {
    const conn = new HttpConnection('server');
    const upgrade = 'GET / HTTP/1.1\r\nHost: s\r\nUpgrade: h2c\r\n\r\n';
    conn.receive(bytes(upgrade + GET('/next')), 0);
    expect(kinds(events(conn))).toEqual(['request #1', 'end #1']);
    answer(conn, 1, 'no');
    expect(kinds(events(conn))).toEqual(['request #2', 'end #2']);
  });
});

describe('the peer closing', () => {
  it('reports a clean close between requests, and answers what was asked before a half-close', () => {
    const conn = new HttpConnection('server');
    conn.receive(bytes(GET('/')), 0);
    conn.receiveEnd(0);
    expect(kinds(events(conn))).toEqual(['request #1', 'end #1', 'closed']);
    expect(conn.mustClose).toBe(false);
    answer(conn, 1, 'bye');
    expect(output(conn)).toContain('bye');
    expect(conn.mustClose).toBe(true);
  });
});
