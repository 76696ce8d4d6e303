/**
 * HTTP semantics checks on HTTP/2 header lists, RFC 9113 §8.1-§8.3. A list that fails
 * is "malformed" (§8.1.1): the connection machine answers with a stream error of type
 * PROTOCOL_ERROR. Each check returns the pseudo-header values it found, or a short
 * reason for the trace and the error message.
 *
 * Checked: field name characters (lowercase, no controls, no colon outside
 * pseudo-headers) and value characters (no NUL/CR/LF, no surrounding whitespace, §8.2.1);
 * pseudo-headers first, known, not repeated, of the right kind (§8.3); connection-specific
 * fields and TE other than "trailers" (§8.2.2); the request's required pseudo-headers and
 * Host/:authority agreement (§8.3.1); a three-digit :status (§8.3.2); trailers without
 * pseudo-headers (§8.1); content-length syntax (§8.1.1).
 */
import type { HeaderField } from './hpack/header-field.ts';

export interface RequestHead {
  readonly method: string;
  readonly scheme: string | undefined;
  readonly authority: string | undefined;
  readonly path: string | undefined;
  /** RFC 8441 extended CONNECT. */
  readonly protocol: string | undefined;
  /** content-length when present (validated digits). */
  readonly contentLength: number | undefined;
}

export interface ResponseHead {
  readonly status: number;
  readonly contentLength: number | undefined;
}

/** RFC 9110 §5.6.2 token (a method). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const CONNECTION_SPECIFIC = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
]);

function badName(name: string, pseudoAllowed: boolean): boolean {
  if (name.length === 0) return true;
  const start = pseudoAllowed && name.charCodeAt(0) === 0x3a ? 1 : 0;
  if (start === 1 && name.length === 1) return true;
  for (let i = start; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c <= 0x20 || (c >= 0x41 && c <= 0x5a) || c >= 0x7f || c === 0x3a) return true;
  }
  return false;
}

function badValue(value: string): boolean {
  const n = value.length;
  if (n === 0) return false;
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(n - 1);
  if (first === 0x20 || first === 0x09 || last === 0x20 || last === 0x09) return true;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c === 0 || c === 0x0a || c === 0x0d) return true;
  }
  return false;
}

/** Checks the regular fields from `from` on: characters, connection-specific fields, TE. */
function checkRegular(fields: readonly HeaderField[], from: number): string | undefined {
  for (let i = from; i < fields.length; i++) {
    const { name, value } = fields[i]!;
    if (name.charCodeAt(0) === 0x3a) return `pseudo-header ${name} after regular fields`;
    if (badName(name, false)) return `invalid field name ${JSON.stringify(name)}`;
    if (badValue(value)) return `invalid value for ${name}`;
    if (CONNECTION_SPECIFIC.has(name)) return `connection-specific field ${name}`;
    if (name === 'te' && value !== 'trailers') return 'TE other than "trailers"';
  }
  return undefined;
}

/** content-length: undefined when absent, -1 when malformed or inconsistent. */
function contentLength(fields: readonly HeaderField[]): number | undefined {
  let found: number | undefined;
  for (const { name, value } of fields) {
    if (name !== 'content-length') continue;
    if (!/^\d{1,15}$/.test(value)) return -1;
    const n = Number(value);
    if (found !== undefined && found !== n) return -1;
    found = n;
  }
  return found;
}

/** Checks a request header list (§8.3.1). */
export function checkRequest(fields: readonly HeaderField[]): RequestHead | string {
  const pseudo = new Map<string, string>();
  let i = 0;
  for (; i < fields.length && fields[i]!.name.charCodeAt(0) === 0x3a; i++) {
    const { name, value } = fields[i]!;
    if (
      name !== ':method' &&
      name !== ':scheme' &&
      name !== ':authority' &&
      name !== ':path' &&
      name !== ':protocol'
    ) {
      return `unknown or response pseudo-header ${name}`;
    }
    if (pseudo.has(name)) return `repeated ${name}`;
    if (badValue(value)) return `invalid value for ${name}`;
    pseudo.set(name, value);
  }
  const bad = checkRegular(fields, i);
  if (bad) return bad;
  const method = pseudo.get(':method');
  if (!method || !TOKEN.test(method)) return 'missing or invalid :method';
  const scheme = pseudo.get(':scheme');
  const path = pseudo.get(':path');
  const authority = pseudo.get(':authority');
  const protocol = pseudo.get(':protocol');
  if (method === 'CONNECT' && protocol === undefined) {
    if (scheme !== undefined || path !== undefined) return 'CONNECT with :scheme or :path';
    if (!authority) return 'CONNECT without :authority';
  } else {
    if (protocol !== undefined && method !== 'CONNECT') return ':protocol without CONNECT';
    if (!scheme) return 'missing :scheme';
    if (path === undefined || path === '') return 'missing or empty :path';
    if (
      (scheme === 'http' || scheme === 'https') &&
      path[0] !== '/' &&
      !(path === '*' && method === 'OPTIONS')
    ) {
      return ':path must start with "/"';
    }
  }
  const host = fields.find((f, k) => k >= i && f.name === 'host');
  if (host && authority !== undefined && host.value !== authority) return 'Host differs from :authority';
  const length = contentLength(fields);
  if (length === -1) return 'invalid content-length';
  return { method, scheme, authority, path, protocol, contentLength: length };
}

/** Checks a response header list (§8.3.2), informational (1xx) or final. */
export function checkResponse(fields: readonly HeaderField[]): ResponseHead | string {
  let status: string | undefined;
  let i = 0;
  for (; i < fields.length && fields[i]!.name.charCodeAt(0) === 0x3a; i++) {
    const { name, value } = fields[i]!;
    if (name !== ':status') return `unknown or request pseudo-header ${name}`;
    if (status !== undefined) return 'repeated :status';
    status = value;
  }
  if (status === undefined || !/^[1-9]\d\d$/.test(status)) return 'missing or invalid :status';
  const bad = checkRegular(fields, i);
  if (bad) return bad;
  const length = contentLength(fields);
  if (length === -1) return 'invalid content-length';
  return { status: Number(status), contentLength: length };
}

/** Checks a trailer section (§8.1: no pseudo-header fields). */
export function checkTrailers(fields: readonly HeaderField[]): string | undefined {
  return checkRegular(fields, 0);
}
