/**
 * Every way a request can be bad, and the status it earns (RFC 9112, RFC 9110 §15):
 * the parser's half of "malformed -> 400, oversized -> 431, smuggling -> 400".
 */
import { describe, expect, it } from 'vitest';
import { HTTP_ERROR_STATUS } from './http-error.ts';
import { RequestParser } from './message-parser.ts';
import { bytes, drain, type PlainEvent } from './test-helpers.ts';

function outcome(input: string | Uint8Array, limits?: ConstructorParameters<typeof RequestParser>[0]) {
  const p = new RequestParser(limits);
  p.feed(typeof input === 'string' ? bytes(input) : input);
  p.feedEnd();
  const ev = drain(p);
  const err = ev.find((e): e is Extract<PlainEvent, { kind: 'error' }> => e.kind === 'error');
  return err
    ? { code: err.code, status: err.status, offset: err.offset }
    : { code: 'ok', status: 0, offset: -1 };
}

const H = 'Host: example\r\n';

describe('malformed request lines get 400', () => {
  it.each([
    ['no version', 'GET /\r\n\r\n', 'bad-request-line'],
    ['two spaces', `GET  / HTTP/1.1\r\n${H}\r\n`, 'bad-request-line'],
    ['tab separator', `GET\t/ HTTP/1.1\r\n${H}\r\n`, 'bad-request-line'],
    ['space in target', `GET /a b HTTP/1.1\r\n${H}\r\n`, 'bad-request-line'],
    ['lower-case version', `GET / http/1.1\r\n${H}\r\n`, 'bad-version'],
    ['trailing junk', `GET / HTTP/1.1 x\r\n${H}\r\n`, 'bad-request-line'],
    ['non-token method', `G(T / HTTP/1.1\r\n${H}\r\n`, 'bad-request-line'],
    ['relative target', `GET index.html HTTP/1.1\r\n${H}\r\n`, 'bad-request-line'],
    ['fragment in target', `GET /a#b HTTP/1.1\r\n${H}\r\n`, 'bad-request-line'],
    ['asterisk with GET', `GET * HTTP/1.1\r\n${H}\r\n`, 'bad-request-line'],
    ['CONNECT without port', `CONNECT example.com HTTP/1.1\r\n${H}\r\n`, 'bad-request-line'],
    ['binary garbage', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n', 'bad-request-line'],
    ['bare LF', `GET / HTTP/1.1\n${H}\r\n`, 'bad-line-ending'],
    ['too many leading empty lines', `\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n${H}\r\n`, 'bad-request-line'],
  ])('%s', (_name, input, code) => {
    expect(outcome(input)).toMatchObject({ code, status: 400 });
  });

  it('accepts the four target forms of RFC 9112 §3.2', () => {
    expect(outcome(`GET /a/b?c=d HTTP/1.1\r\n${H}\r\n`).code).toBe('ok');
    expect(outcome(`GET http://example/a HTTP/1.1\r\n${H}\r\n`).code).toBe('ok');
    expect(outcome(`CONNECT example:443 HTTP/1.1\r\n${H}\r\n`).code).toBe('ok');
    expect(outcome(`OPTIONS * HTTP/1.1\r\n${H}\r\n`).code).toBe('ok');
  });

  it('points at the byte where the line went wrong', () => {
    expect(outcome(`GET /a b HTTP/1.1\r\n${H}\r\n`).offset).toBe(7);
    expect(outcome(`GET / HTTP/1.1\r\n${H}X: 1\n\r\n`).offset).toBe(16 + H.length + 4);
  });
});

describe('versions', () => {
  it('answers HTTP/2.0, HTTP/0.9 and HTTP/3.0 with 505', () => {
    expect(outcome(`GET / HTTP/2.0\r\n${H}\r\n`)).toMatchObject({ code: 'unsupported-version', status: 505 });
    expect(outcome(`GET / HTTP/0.9\r\n${H}\r\n`)).toMatchObject({ code: 'unsupported-version', status: 505 });
    expect(outcome(`GET / HTTP/3.0\r\n${H}\r\n`).status).toBe(505);
    // The HTTP/2 connection preface, sent to an HTTP/1.1 port.
    expect(outcome('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n').status).toBe(505);
  });

  it('treats HTTP/1.2..1.9 as 1.1 (RFC 9110 §2.5)', () => {
    const p = new RequestParser();
    p.feed(bytes(`GET / HTTP/1.7\r\n${H}\r\n`));
    expect(drain(p)[0]).toMatchObject({ start: 'GET / HTTP/1.1' });
  });
});

describe('oversized heads', () => {
  it('answers an overlong request-target with 414', () => {
    const target = `/${'a'.repeat(9000)}`;
    expect(outcome(`GET ${target} HTTP/1.1\r\n${H}\r\n`)).toMatchObject({
      code: 'uri-too-long',
      status: 414,
    });
  });

  it('answers 414 before the line ends: the client cannot make it buffer more', () => {
    const p = new RequestParser();
    p.feed(bytes(`GET /${'a'.repeat(8200)}`));
    expect(drain(p)).toMatchObject([{ kind: 'error', code: 'uri-too-long' }]);
  });

  it('answers an overlong method with 501', () => {
    expect(outcome(`${'A'.repeat(40)} / HTTP/1.1\r\n${H}\r\n`)).toMatchObject({
      code: 'method-too-long',
      status: 501,
    });
  });

  it('answers 10,000 header lines with 431', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `X-${i}: v\r\n`).join('');
    expect(outcome(`GET / HTTP/1.1\r\n${H}${many}\r\n`, { maxHeadBytes: 1 << 20 })).toMatchObject({
      code: 'too-many-headers',
      status: 431,
    });
    // With the default head limit the bytes run out first: still 431.
    expect(outcome(`GET / HTTP/1.1\r\n${H}${many}\r\n`).status).toBe(431);
  });

  it('allows exactly maxHeaderCount lines and refuses one more', () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `X-${i}: v\r\n`).join('');
    expect(outcome(`GET / HTTP/1.1\r\n${H}${lines(99)}\r\n`).code).toBe('ok');
    expect(outcome(`GET / HTTP/1.1\r\n${H}${lines(100)}\r\n`).code).toBe('too-many-headers');
  });

  it('answers 1 MB of header with 431, as soon as the limit is passed', () => {
    const p = new RequestParser();
    p.feed(bytes(`GET / HTTP/1.1\r\n${H}X-Big: `));
    expect(drain(p)).toEqual([]);
    p.feed(new Uint8Array(1 << 20).fill(0x61));
    expect(drain(p)).toMatchObject([{ kind: 'error', code: 'head-too-large', status: 431 }]);
  });

  it('counts the head to the byte: maxHeadBytes fits, one more does not', () => {
    const head = `GET / HTTP/1.1\r\n${H}\r\n`;
    expect(outcome(head, { maxHeadBytes: head.length }).code).toBe('ok');
    expect(outcome(head, { maxHeadBytes: head.length - 1 }).code).toBe('head-too-large');
  });
});

describe('field lines', () => {
  it.each([
    ['obs-fold', `GET / HTTP/1.1\r\n${H}X-A: 1\r\n 2\r\n\r\n`, 'obs-fold'],
    ['whitespace after the start-line', `GET / HTTP/1.1\r\n ${H}\r\n`, 'obs-fold'],
    ['space before colon', `GET / HTTP/1.1\r\nHost : example\r\n\r\n`, 'space-before-colon'],
    ['no colon', `GET / HTTP/1.1\r\n${H}Oops\r\n\r\n`, 'bad-header'],
    ['empty name', `GET / HTTP/1.1\r\n${H}: v\r\n\r\n`, 'bad-header'],
    ['NUL in value', `GET / HTTP/1.1\r\n${H}X: a\x00b\r\n\r\n`, 'bad-header'],
    ['bare CR in value', `GET / HTTP/1.1\r\n${H}X: a\rb\r\n\r\n`, 'bad-line-ending'],
    ['DEL in value', `GET / HTTP/1.1\r\n${H}X: a\x7fb\r\n\r\n`, 'bad-header'],
    ['missing Host in 1.1', 'GET / HTTP/1.1\r\n\r\n', 'bad-host'],
    ['two Hosts', `GET / HTTP/1.1\r\n${H}${H}\r\n`, 'bad-host'],
  ])('%s -> 400', (_name, input, code) => {
    expect(outcome(input)).toMatchObject({ code, status: 400 });
  });

  it('trims OWS around values and keeps obs-text octets', () => {
    const p = new RequestParser();
    p.feed(bytes(`GET / HTTP/1.0\r\nX:  \t a b \t\r\nY: caf\xe9\r\n\r\n`));
    expect(drain(p)[0]).toMatchObject({
      headers: [
        ['X', 'a b'],
        ['Y', 'caf\xe9'],
      ],
    });
  });
});

describe('body framing: the request smuggling defence (RFC 9112 §6.3)', () => {
  it.each([
    [
      'CL and TE together',
      `POST / HTTP/1.1\r\n${H}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n`,
      'content-length-with-transfer-encoding',
      400,
    ],
    [
      'TE and CL together',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n`,
      'content-length-with-transfer-encoding',
      400,
    ],
    [
      'conflicting CLs',
      `POST / HTTP/1.1\r\n${H}Content-Length: 4\r\nContent-Length: 5\r\n\r\n`,
      'conflicting-content-length',
      400,
    ],
    [
      'conflicting CL list',
      `POST / HTTP/1.1\r\n${H}Content-Length: 4, 5\r\n\r\n`,
      'conflicting-content-length',
      400,
    ],
    ['signed CL', `POST / HTTP/1.1\r\n${H}Content-Length: +4\r\n\r\n`, 'bad-content-length', 400],
    ['hex CL', `POST / HTTP/1.1\r\n${H}Content-Length: 0x10\r\n\r\n`, 'bad-content-length', 400],
    [
      'TE not ending in chunked',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, gzip\r\n\r\n`,
      'chunked-not-final',
      400,
    ],
    [
      'chunked twice',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, chunked\r\n\r\n`,
      'bad-header',
      400,
    ],
    [
      'gzip then chunked',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: gzip, chunked\r\n\r\n`,
      'unsupported-transfer-coding',
      501,
    ],
    [
      'TE in HTTP/1.0',
      `POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n`,
      'transfer-encoding-in-http10',
      400,
    ],
    ['body over the limit', `POST / HTTP/1.1\r\n${H}Content-Length: 2000000\r\n\r\n`, 'body-too-large', 413],
  ])('%s', (_name, input, code, status) => {
    expect(outcome(input)).toMatchObject({ code, status });
  });

  it('accepts repeated identical Content-Length values as one', () => {
    const p = new RequestParser();
    p.feed(bytes(`POST / HTTP/1.1\r\n${H}Content-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc`));
    expect(drain(p)).toMatchObject([{ framing: 'length 3' }, { kind: 'body', data: 'abc' }, { kind: 'end' }]);
  });

  it('accepts Transfer-Encoding in any case', () => {
    const p = new RequestParser();
    p.feed(bytes(`POST / HTTP/1.1\r\n${H}transfer-encoding: Chunked\r\n\r\n1\r\na\r\n0\r\n\r\n`));
    expect(drain(p)).toMatchObject([{ framing: 'chunked' }, { kind: 'body', data: 'a' }, { kind: 'end' }]);
  });
});

describe('chunked bodies', () => {
  const post = `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n`;

  it.each([
    ['non-hex size', `${post}zz\r\n`, 'bad-chunk-size'],
    ['empty size', `${post}\r\n`, 'bad-chunk-size'],
    ['negative size', `${post}-1\r\n`, 'bad-chunk-size'],
    ['size with space then junk', `${post}5 x\r\nhello\r\n0\r\n\r\n`, 'bad-chunk-size'],
    ['bare LF after size', `${post}5\nhello\r\n0\r\n\r\n`, 'bad-line-ending'],
    ['data longer than its size', `${post}3\r\nhello\r\n0\r\n\r\n`, 'bad-chunk-terminator'],
    ['17 size digits', `${post}00000000000000001\r\na\r\n0\r\n\r\n`, 'chunk-line-too-long'],
    ['unterminated quoted extension', `${post}1;a="b\r\na\r\n0\r\n\r\n`, 'bad-chunk-size'],
    ['LF inside an extension', `${post}1;a=b\nc\r\na\r\n0\r\n\r\n`, 'bad-line-ending'],
  ])('%s -> 400', (_name, input, code) => {
    expect(outcome(input)).toMatchObject({ code, status: 400 });
  });

  it('ignores well-formed extensions, and reads trailers', () => {
    const p = new RequestParser();
    p.feed(bytes(`${post}5 ; name = "a \\" b" ;flag\r\nhello\r\n0;last\r\nX-Sum: 5\r\n\r\n`));
    expect(drain(p)).toMatchObject([
      { kind: 'head' },
      { kind: 'body', data: 'hello' },
      { kind: 'end', trailers: [['X-Sum', '5']] },
    ]);
  });

  it('counts chunks against the body limit', () => {
    expect(outcome(`${post}8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n`, { maxBodyBytes: 10 })).toMatchObject(
      {
        code: 'body-too-large',
        status: 413,
      },
    );
  });

  it('reports a body cut short by the close as incomplete', () => {
    expect(outcome(`${post}5\r\nhel`).code).toBe('incomplete-message');
    expect(outcome(`POST / HTTP/1.1\r\n${H}Content-Length: 5\r\n\r\nhel`).code).toBe('incomplete-message');
    expect(outcome('GET / HTTP/1.1\r\nHost: x').code).toBe('incomplete-message');
  });
});

describe('the status table', () => {
  it('maps every error code to a 4xx or 5xx status', () => {
    for (const status of Object.values(HTTP_ERROR_STATUS)) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    }
  });
});
