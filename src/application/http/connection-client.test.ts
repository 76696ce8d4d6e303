import { describe, expect, it } from 'vitest';
import { NetlabError } from '../../bytes/netlab-error.ts';
import { HttpConnection, type HttpConnectionEvent } from './connection.ts';
import { HeaderList } from './header-list.ts';
import { HttpParseError, HttpStateError } from './http-error.ts';
import type { RequestHead } from './message.ts';
import { bytes, text } from './test-helpers.ts';

function events(conn: HttpConnection): HttpConnectionEvent[] {
  const out: HttpConnectionEvent[] = [];
  for (let e = conn.nextEvent(); e; e = conn.nextEvent()) out.push(e);
  return out;
}

const req = (
  method: string,
  target: string,
  headers: Record<string, string> = {},
  version: '1.0' | '1.1' = '1.1',
): RequestHead => ({
  method,
  target,
  version,
  headers: HeaderList.from({ Host: 'site', ...headers }),
});

function get(conn: HttpConnection, target = '/'): void {
  conn.send({ type: 'request', head: req('GET', target) });
  conn.send({ type: 'end' });
}

describe('a keep-alive exchange', () => {
  it('writes the request, reads the response, and is ready for the next', () => {
    const conn = new HttpConnection('client');
    const states: string[] = [];
    const snap = () => states.push(`${conn.states.client}/${conn.states.server}`);
    snap();
    conn.send({ type: 'request', head: req('GET', '/index.html', { 'User-Agent': 'netlab' }) });
    snap();
    conn.send({ type: 'end' });
    snap();
    expect(conn.takeOutput().map(text).join('')).toBe(
      'GET /index.html HTTP/1.1\r\nHost: site\r\nUser-Agent: netlab\r\n\r\n',
    );
    conn.receive(bytes('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'), 7);
    const evs = events(conn);
    snap();
    expect(evs).toMatchObject([
      {
        type: 'response',
        exchange: 1,
        head: { status: 200 },
        framing: { kind: 'length', length: 5 },
        firstByteAt: 7,
      },
      { type: 'data', exchange: 1 },
      { type: 'end', exchange: 1 },
    ]);
    expect(states).toEqual(['IDLE/IDLE', 'SEND_BODY/SEND_RESPONSE', 'DONE/SEND_RESPONSE', 'IDLE/IDLE']);
    expect(conn.canSendRequest).toBe(true);
  });

  it('knows a response to HEAD has no body, and reads the next response right after it', () => {
    const conn = new HttpConnection('client');
    conn.send({ type: 'request', head: req('HEAD', '/') });
    conn.send({ type: 'end' });
    get(conn, '/x');
    conn.receive(
      bytes('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx'),
      1,
    );
    expect(events(conn).map((e) => e.type)).toEqual(['response', 'end', 'response', 'data', 'end']);
  });

  it('sends a body with Content-Length, and refuses one too short', () => {
    const conn = new HttpConnection('client');
    conn.send({ type: 'request', head: req('POST', '/f', { 'Content-Length': '3' }) });
    conn.send({ type: 'data', data: bytes('ab') });
    expect(() => conn.send({ type: 'end' })).toThrow(NetlabError);
    conn.send({ type: 'data', data: bytes('c') });
    conn.send({ type: 'end' });
    expect(conn.takeOutput().map(text).join('')).toBe(
      'POST /f HTTP/1.1\r\nHost: site\r\nContent-Length: 3\r\n\r\nabc',
    );
  });

  it('sends a chunked body', () => {
    const conn = new HttpConnection('client');
    conn.send({ type: 'request', head: req('POST', '/up', { 'Transfer-Encoding': 'chunked' }) });
    conn.send({ type: 'data', data: bytes('hello world, chunked upload') });
    conn.send({ type: 'end' });
    expect(conn.takeOutput().map(text).join('')).toBe(
      'POST /up HTTP/1.1\r\nHost: site\r\nTransfer-Encoding: chunked\r\n\r\n1b\r\nhello world, chunked upload\r\n0\r\n\r\n',
    );
  });
});

describe('when the connection ends', () => {
  it('closes after an HTTP/1.0 response', () => {
    const conn = new HttpConnection('client');
    get(conn);
    conn.receive(bytes('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi'), 0);
    events(conn);
    expect(conn.mustClose).toBe(true);
    expect(conn.canSendRequest).toBe(false);
  });

  it('keeps an HTTP/1.0 connection the server said keep-alive to', () => {
    const conn = new HttpConnection('client');
    conn.send({ type: 'request', head: req('GET', '/', { Connection: 'keep-alive' }, '1.0') });
    conn.send({ type: 'end' });
    conn.receive(bytes('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nhi'), 0);
    events(conn);
    expect(conn.mustClose).toBe(false);
    expect(conn.canSendRequest).toBe(true);
  });

  it('reads a body without a length until the server closes', () => {
    const conn = new HttpConnection('client');
    get(conn);
    conn.receive(bytes('HTTP/1.1 200 OK\r\n\r\nall of it'), 0);
    expect(events(conn).map((e) => e.type)).toEqual(['response', 'data']);
    conn.receiveEnd(1);
    expect(events(conn).map((e) => e.type)).toEqual(['end', 'closed']);
    expect(conn.mustClose).toBe(true);
  });

  it('fails the exchange when the server closes in the middle of the body', () => {
    const conn = new HttpConnection('client');
    get(conn);
    conn.receive(bytes('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhi'), 0);
    conn.receiveEnd(1);
    const evs = events(conn);
    expect(evs.at(-1)).toMatchObject({ type: 'error', exchange: 1, error: { code: 'incomplete-message' } });
    expect(conn.mustClose).toBe(true);
  });

  it('takes no request after sending Connection: close', () => {
    const conn = new HttpConnection('client');
    conn.send({ type: 'request', head: req('GET', '/', { Connection: 'close' }) });
    conn.send({ type: 'end' });
    expect(conn.canSendRequest).toBe(false);
    expect(() => get(conn)).toThrow(NetlabError);
  });
});

describe('interim responses', () => {
  it('passes 100 Continue and 103 Early Hints through before the final response', () => {
    const conn = new HttpConnection('client');
    conn.send({ type: 'request', head: req('PUT', '/f', { Expect: '100-continue', 'Content-Length': '2' }) });
    conn.receive(bytes('HTTP/1.1 100 Continue\r\n\r\n'), 1);
    expect(events(conn)).toMatchObject([{ type: 'informational', exchange: 1, head: { status: 100 } }]);
    conn.send({ type: 'data', data: bytes('ok') });
    conn.send({ type: 'end' });
    conn.receive(
      bytes(
        'HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n',
      ),
      2,
    );
    expect(
      events(conn).map((e) => (e.type === 'informational' || e.type === 'response' ? e.head.status : e.type)),
    ).toEqual([103, 201, 'end']);
    expect(conn.mustClose).toBe(false);
  });

  it('closes when the final answer came before the body was sent (417, 413...)', () => {
    const conn = new HttpConnection('client');
    conn.send({ type: 'request', head: req('PUT', '/f', { Expect: '100-continue', 'Content-Length': '2' }) });
    conn.receive(bytes('HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n'), 1);
    expect(events(conn).map((e) => e.type)).toEqual(['response', 'end']);
    expect(conn.canSendRequest).toBe(false);
  });
});

describe('errors', () => {
  it('reports a malformed response as a remote error on the exchange', () => {
    const conn = new HttpConnection('client');
    get(conn);
    conn.receive(bytes('HTTP/1.1 2OO OK\r\n\r\n'), 0);
    const [e] = events(conn);
    expect(e).toMatchObject({ type: 'error', exchange: 1 });
    if (e?.type !== 'error') throw new Error('expected error');
    expect(e.error).toBeInstanceOf(HttpParseError);
    expect(e.error).toMatchObject({ code: 'bad-status-line', side: 'remote' });
    expect(conn.mustClose).toBe(true);
  });

  it('reports a response nobody asked for', () => {
    const conn = new HttpConnection('client');
    conn.receive(bytes('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), 0);
    expect(events(conn)).toMatchObject([
      { type: 'error', error: { code: 'unexpected-response', side: 'remote' } },
    ]);
  });

  it('throws HttpStateError for local moves out of turn', () => {
    const conn = new HttpConnection('client');
    expect(() => conn.send({ type: 'data', data: bytes('x') })).toThrow(NetlabError);
    conn.send({ type: 'request', head: req('POST', '/', { 'Content-Length': '1' }) });
    let thrown: unknown;
    try {
      conn.send({ type: 'request', head: req('GET', '/') });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(HttpStateError);
    expect(thrown).toMatchObject({ side: 'local', half: 'client', state: 'SEND_BODY', event: 'request' });
    expect(() =>
      conn.send({
        type: 'response',
        head: { version: '1.1', status: 200, reason: 'OK', headers: HeaderList.EMPTY },
      }),
    ).toThrow(HttpStateError);
  });
});
