/**
 * PEM (RFC 7468): DER wrapped in base64 between `-----BEGIN LABEL-----` and
 * `-----END LABEL-----` lines, the form `openssl` and web servers keep certificates and
 * keys in. A file may hold several blocks (a certificate chain, leaf first).
 *
 * Decoding is the "lax" parser of RFC 7468 §3: white space anywhere in the base64, text
 * between blocks ignored. Encrypted PEM (RFC 1421 headers such as `Proc-Type`) is refused
 * with a typed error, as is a block whose END label does not match its BEGIN.
 */
import { ProtocolError } from '../../bytes/protocol-error.ts';

export interface PemBlock {
  /** `CERTIFICATE`, `PRIVATE KEY`, `EC PRIVATE KEY`, `RSA PRIVATE KEY`, `CERTIFICATE REQUEST`... */
  readonly label: string;
  readonly der: Uint8Array;
}

/** Largest PEM text accepted (a long chain plus a key fits many times over). */
export const PEM_MAX_TEXT = 1 << 20;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function base64Encode(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

/** Decodes standard base64 (padding required), or null when it is not valid base64. */
export function base64Decode(text: string): Uint8Array | null {
  if (text.length % 4 !== 0 || !BASE64.test(text)) return null;
  let bin: string;
  try {
    bin = atob(text);
  } catch {
    return null;
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** One PEM block, lines of 64 characters, ending with a newline. */
export function encodePem(label: string, der: Uint8Array): string {
  const b64 = base64Encode(der);
  let body = '';
  for (let i = 0; i < b64.length; i += 64) body += `${b64.slice(i, i + 64)}\n`;
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

function pemError(code: string, message: string): ProtocolError {
  return new ProtocolError('pem', code, message);
}

/** Every PEM block in `text`, in order. No block at all is an error ('no-pem'). */
export function decodePem(text: string): PemBlock[] | ProtocolError {
  if (text.length > PEM_MAX_TEXT) return pemError('too-large', `PEM text over ${PEM_MAX_TEXT} characters`);
  const blocks: PemBlock[] = [];
  const begin = /-----BEGIN ([A-Z0-9 ]*)-----/g;
  for (let m = begin.exec(text); m !== null; m = begin.exec(text)) {
    const label = m[1]!;
    const endMarker = `-----END ${label}-----`;
    const bodyStart = m.index + m[0].length;
    const endAt = text.indexOf('-----END ', bodyStart);
    if (endAt < 0) return pemError('unterminated', `no END line for ${label}`);
    if (!text.startsWith(endMarker, endAt)) {
      return pemError(
        'label-mismatch',
        `BEGIN ${label} closed by ${text.slice(endAt, endAt + 40).split('\n')[0]}`,
      );
    }
    const body = text.slice(bodyStart, endAt);
    if (/^\s*[A-Za-z-]+:/m.test(body)) {
      return pemError('encrypted-pem', `${label} has RFC 1421 headers (encrypted keys are not supported)`);
    }
    const der = base64Decode(body.replace(/\s+/g, ''));
    if (der === null) return pemError('bad-base64', `${label} is not valid base64`);
    blocks.push({ label, der });
    begin.lastIndex = endAt + endMarker.length;
  }
  if (blocks.length === 0) return pemError('no-pem', 'no -----BEGIN ...----- block found');
  return blocks;
}
