/**
 * HTTP/1.x in a TCP segment (RFC 9112): a segment that starts with a request line or a
 * status line, on any port, is HTTP — the start line taken apart by the HTTP module's
 * strict parsers (start-line.ts), each header field line as its own field, the empty line
 * that ends the header section, and the body bytes this segment holds. A segment that
 * does not start with a start line (the middle of a body) stays TCP payload: Wireshark,
 * without reassembly, calls it "Continuation".
 *
 * Several messages in one segment (pipelined requests, or small responses back to back)
 * are each decoded when the body before them has a known end: a Content-Length, or no
 * body at all (a request without one, RFC 9112 §6.3; 1xx, 204 and 304 responses). A
 * chunked or close-delimited body takes the rest of the segment.
 *
 * Left out: chunk framing inside bodies, obs-fold, and the Content-Type in the Info
 * column (Wireshark adds it once it has the whole response).
 */
import { latin1 } from '../../application/http/field-syntax.ts';
import { HttpParseError } from '../../application/http/http-error.ts';
import { parseRequestLine, parseStatusLine } from '../../application/http/start-line.ts';
import type { DissectionBuilder } from './builder.ts';
import { type Field, field, type HttpMessageView } from './types.ts';

/** The longest start line or field line looked for (the HTTP module's default limit is 8 KiB). */
const MAX_LINE = 8192;
/** Longest method token taken for a request (the HTTP module's default). */
const MAX_METHOD = 32;

const CR = 0x0d;
const LF = 0x0a;

/** Where the CRLF ending the line at `at` is, or -1 within `end` (and MAX_LINE). */
function lineEnd(f: Uint8Array, at: number, end: number): number {
  const stop = Math.min(end - 1, at + MAX_LINE);
  for (let i = at; i < stop; i++) if (f[i] === CR && f[i + 1] === LF) return i;
  return -1;
}

type StartLine =
  | { readonly request: { readonly method: string; readonly target: string }; readonly version: string }
  | { readonly response: { readonly status: number; readonly reason: string }; readonly version: string };

/** The start line at `at` (ending at `eol`), or undefined when it is not one. */
function startLine(f: Uint8Array, at: number, eol: number): StartLine | undefined {
  const first = f[at]!;
  // A method token or HTTP-version begins with a capital letter.
  if (first < 0x41 || first > 0x5a) return undefined;
  if (first === 0x48 && f[at + 1] === 0x54 && f[at + 4] === 0x2f) {
    const s = parseStatusLine(f, at, eol);
    if (s instanceof HttpParseError) return undefined;
    return { response: { status: s.status, reason: s.reason }, version: latin1(f, at, at + 8) };
  }
  const r = parseRequestLine(f, at, eol, MAX_METHOD);
  if (r instanceof HttpParseError) return undefined;
  return { request: { method: r.method, target: r.target }, version: latin1(f, eol - 8, eol) };
}

/** Whether the segment `f[at, end)` starts with an HTTP/1.x start line. */
export function startsWithHttp1(f: Uint8Array, at: number, end: number): boolean {
  if (end - at < 14) return false;
  const first = f[at]!;
  if (first < 0x41 || first > 0x5a) return false;
  const eol = lineEnd(f, at, end);
  return eol >= 0 && startLine(f, at, eol) !== undefined;
}

function noBody(s: StartLine): boolean {
  if ('request' in s) return false;
  const code = s.response.status;
  return code < 200 || code === 204 || code === 304;
}

/** One message from its start line at `at`, or undefined when there is none. */
function message(f: Uint8Array, at: number, end: number): HttpMessageView | undefined {
  const eol = lineEnd(f, at, end);
  if (eol < 0) return undefined;
  const s = startLine(f, at, eol);
  if (!s) return undefined;
  const headers: { name: string; value: string; offset: number }[] = [];
  let headerEnd = -1;
  let chunked = false;
  let contentLength: number | undefined;
  let p = eol + 2;
  for (;;) {
    const e = lineEnd(f, p, end);
    if (e < 0) break;
    if (e === p) {
      headerEnd = p + 2;
      break;
    }
    const line = latin1(f, p, e);
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).trim();
    headers.push({ name, value, offset: p });
    const lower = name.toLowerCase();
    if (lower === 'content-length' && /^\d{1,15}$/.test(value)) contentLength = Number(value);
    if (lower === 'transfer-encoding' && /chunked\s*$/i.test(value)) chunked = true;
    p = e + 2;
  }
  const rest = headerEnd < 0 ? 0 : end - headerEnd;
  const bodyLength = chunked ? rest : noBody(s) ? 0 : (contentLength ?? ('request' in s ? 0 : rest));
  const base = {
    offset: at,
    version: s.version,
    headers,
    headerEnd,
    bodyPresent: Math.min(rest, bodyLength),
    ...(contentLength === undefined ? {} : { contentLength }),
  };
  return 'request' in s ? { ...base, request: s.request } : { ...base, response: s.response };
}

/** The messages that start in `f[at, end)`, or undefined when the segment starts with none. */
export function decodeHttp1(f: Uint8Array, at: number, end: number): HttpMessageView[] | undefined {
  const out: HttpMessageView[] = [];
  let p = at;
  while (p < end) {
    const m = message(f, p, end);
    if (!m) break;
    out.push(m);
    if (m.headerEnd < 0) break;
    p = m.headerEnd + m.bodyPresent;
  }
  return out.length > 0 ? out : undefined;
}

function startLineText(m: HttpMessageView): string {
  return m.request
    ? `${m.request.method} ${m.request.target} ${m.version}`
    : `${m.version} ${m.response!.status}${m.response!.reason ? ` ${m.response!.reason}` : ''}`;
}

/** Wireshark's Info column: the start line of each message. */
export function http1Info(messages: readonly HttpMessageView[]): string {
  return messages.map(startLineText).join(', ');
}

function messageFields(f: Uint8Array, m: HttpMessageView, end: number): Field[] {
  const eol = lineEnd(f, m.offset, end);
  const at = m.offset;
  const text = startLineText(m);
  const parts = m.request
    ? [
        field('Request Method', m.request.method, at, m.request.method.length),
        field('Request URI', m.request.target, at + m.request.method.length + 1, m.request.target.length),
        field('Request Version', m.version, eol - 8, 8),
      ]
    : [
        field('Response Version', m.version, at, 8),
        field('Status Code', m.response!.status, at + 9, 3),
        field('Response Phrase', m.response!.reason, at + 13, m.response!.reason.length),
      ];
  const fields = [field(m.request ? 'Request Line' : 'Status Line', text, at, eol + 2 - at, parts)];
  for (const h of m.headers) {
    const len = lineEnd(f, h.offset, end) + 2 - h.offset;
    fields.push(field(h.name, h.value, h.offset, len));
  }
  if (m.headerEnd < 0) {
    const last = m.headers.at(-1);
    const from = last ? last.offset + lineEnd(f, last.offset, end) + 2 - last.offset : eol + 2;
    fields.push(
      field(
        '[Header section continues in the next segment]',
        `${end - from} bytes of it here`,
        from,
        end - from,
      ),
    );
    return fields;
  }
  fields.push(field('End of header section', '\\r\\n', m.headerEnd - 2, 2));
  const total = m.contentLength === undefined ? '' : ` (Content-Length: ${m.contentLength})`;
  if (m.bodyPresent > 0 || m.contentLength !== undefined)
    fields.push(field('Body', `${m.bodyPresent} bytes in this segment${total}`, m.headerEnd, m.bodyPresent));
  return fields;
}

/** Adds the HTTP layer for `f[at, end)`, whose messages `decodeHttp1` found. */
export function dissectHttp1(
  b: DissectionBuilder,
  at: number,
  end: number,
  messages: readonly HttpMessageView[],
): void {
  const f = b.frame;
  const fields = messages.flatMap((m) => messageFields(f, m, end));
  const last = messages.at(-1)!;
  const used = last.headerEnd < 0 ? end : last.headerEnd + last.bodyPresent;
  if (used < end)
    fields.push(
      field('[Data after the message]', `${end - used} bytes that do not start a message`, used, end - used),
    );
  b.add(
    {
      protocol: 'HTTP',
      title: 'Hypertext Transfer Protocol',
      offset: at,
      length: end - at,
      fields,
      decoded: { kind: 'http', messages },
    },
    http1Info(messages),
  );
}
