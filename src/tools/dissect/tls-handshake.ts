/**
 * Handshake messages in the clear (RFC 8446 §4, RFC 5246 §7.4), field by field: the
 * hellos (tls-hello.ts), and TLS 1.2's Certificate (each certificate's length and its
 * subject's common name, read by the PKI's X.509 parser), ServerKeyExchange (ECDHE, RFC
 * 8422 §5.4: the curve, the public key, the signature algorithm), CertificateRequest,
 * ServerHelloDone, ClientKeyExchange (RSA: the encrypted premaster secret; ECDHE: the
 * client's public key, RFC 8422 §5.7), NewSessionTicket (RFC 5077) and Finished.
 *
 * The message bodies are parsed by the TLS module's codecs (handshake-messages.ts), which
 * return views of the frame, so every value is located by its view's offset. A message
 * the segment ends inside shows what is whole in the segment (certificates one by one)
 * and says the rest follows; a body the codec refuses is a `Malformed` field and the
 * layer's problem.
 *
 * ClientKeyExchange does not say which key exchange it carries; its shape does: an RSA
 * one is a u16-prefixed vector filling the body, an ECDHE one a u8-prefixed point. No body
 * can be both (that would need a 1-byte body), so the shape decides as the suite would.
 */
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { toHex } from '../../bytes/hex.ts';
import { parseCertificate } from '../../application/pki/certificate.ts';
import { commonNameOf } from '../../application/pki/name.ts';
import { groupName, HandshakeType, signatureSchemeName } from '../../application/tls/code-points.ts';
import {
  CertificateType,
  parseCertificateRequest12,
  parseNewSessionTicket12,
  parseServerKeyExchange,
} from '../../application/tls/handshake-messages.ts';
import { clientHelloFields, serverHelloFields } from './tls-hello.ts';
import { type Field, field, hex, offsetIn, type TlsHandshakeView } from './types.ts';

const u16 = (f: Uint8Array, o: number) => (f[o]! << 8) | f[o + 1]!;
const u24 = (f: Uint8Array, o: number) => (f[o]! << 16) | (f[o + 1]! << 8) | f[o + 2]!;

/** A malformed body: a field that says why, and the layer's problem. */
export function malformed(
  what: string,
  e: ProtocolError,
  at: number,
  length: number,
  problems: string[],
): Field {
  problems.push(`${what}: ${e.message}`);
  return field('[Malformed]', `${what}: ${e.message}`, at, length);
}

/** TLS 1.2's Certificate (RFC 5246 §7.4.2), as far as the segment holds it. */
function certificateFields(f: Uint8Array, body: number, present: number): Field[] {
  if (present < 3) return [];
  const listLength = u24(f, body);
  const end = body + present;
  const certs: Field[] = [];
  let at = body + 3;
  while (at + 3 <= end && at < body + 3 + listLength) {
    const len = u24(f, at);
    const here = Math.min(len, end - at - 3);
    let value = `${len} bytes`;
    if (here === len) {
      const cert = parseCertificate(f.subarray(at + 3, at + 3 + len));
      if (cert instanceof ProtocolError)
        value += ` [not a certificate the X.509 parser reads: ${cert.message}]`;
      else {
        const cn = commonNameOf(cert.subject);
        if (cn !== undefined) value += ` (subject CN=${cn})`;
      }
    } else value += ` [${here} of ${len} bytes in this segment]`;
    certs.push(
      field('Certificate Length', len, at, 3),
      field('Certificate', value, at + 3, Math.max(0, here)),
    );
    at += 3 + len;
  }
  const count = certs.length / 2;
  const here = Math.min(listLength, present - 3);
  // Wireshark's words for a whole list; a cut one says how many certificates it begins.
  const what =
    here < listLength ? `, ${count} certificate${count === 1 ? '' : 's'} begin in this segment` : '';
  const length = field('Certificates Length', listLength, body, 3);
  // An empty list (a client without a certificate) is only its length, as in Wireshark.
  if (listLength === 0) return [length];
  return [length, field('Certificates', `(${listLength} bytes${what})`, body + 3, here, certs)];
}

function serverKeyExchangeFields(f: Uint8Array, body: Uint8Array, problems: string[]): Field[] {
  const at = offsetIn(f, body);
  const ske = parseServerKeyExchange(body);
  if (ske instanceof ProtocolError) return [malformed('ServerKeyExchange', ske, at, body.length, problems)];
  const key = ske.params.publicKey;
  const keyAt = offsetIn(f, key);
  const sig = ske.signed.signature;
  const sigAt = offsetIn(f, sig);
  return [
    field(
      'EC Diffie-Hellman Server Params',
      `${groupName(ske.params.group)}, public key of ${key.length} bytes`,
      at,
      body.length,
      [
        field('Curve Type', 'named_curve (0x03)', at, 1),
        field('Named Curve', `${groupName(ske.params.group)} (${hex(ske.params.group, 4)})`, at + 1, 2),
        field('Pubkey Length', key.length, keyAt - 1, 1),
        field('Pubkey', toHex(key), keyAt, key.length),
        field(
          'Signature Algorithm',
          `${signatureSchemeName(ske.signed.scheme)} (${hex(ske.signed.scheme, 4)})`,
          sigAt - 4,
          2,
        ),
        field('Signature Length', sig.length, sigAt - 2, 2),
        field('Signature', `${sig.length} bytes`, sigAt, sig.length),
      ],
    ),
  ];
}

function clientKeyExchangeFields(f: Uint8Array, body: Uint8Array, problems: string[]): Field[] {
  const at = offsetIn(f, body);
  const n = body.length;
  if (n >= 2 && u16(body, 0) === n - 2)
    return [
      field('RSA Encrypted PreMaster Secret', `${n - 2} bytes`, at, n, [
        field('Encrypted PreMaster length', n - 2, at, 2),
        field('Encrypted PreMaster', `${n - 2} bytes`, at + 2, n - 2),
      ]),
    ];
  if (n >= 2 && body[0] === n - 1)
    return [
      field('EC Diffie-Hellman Client Params', `public key of ${n - 1} bytes`, at, n, [
        field('Pubkey Length', n - 1, at, 1),
        field('Pubkey', toHex(body.subarray(1)), at + 1, n - 1),
      ]),
    ];
  return [
    malformed(
      'ClientKeyExchange',
      new ProtocolError('tls', 'decode_error', 'neither an RSA nor an ECDHE key exchange'),
      at,
      n,
      problems,
    ),
  ];
}

/** `rsa_sign` → `RSA Sign`, as Wireshark names the certificate types. */
const CERTIFICATE_TYPE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(CertificateType).map(([name, code]) => {
    const [algorithm, ...rest] = name.split('_');
    return [code, [algorithm!.toUpperCase(), ...rest.map((w) => w[0]!.toUpperCase() + w.slice(1))].join(' ')];
  }),
);

function certificateRequestFields(f: Uint8Array, body: Uint8Array, problems: string[]): Field[] {
  const at = offsetIn(f, body);
  const cr = parseCertificateRequest12(body);
  if (cr instanceof ProtocolError) return [malformed('CertificateRequest', cr, at, body.length, problems)];
  const types = cr.certificateTypes.length;
  const sigAt = at + 1 + types;
  const dnAt = sigAt + 2 + 2 * cr.signatureAlgorithms.length;
  return [
    field('Certificate types count', types, at, 1),
    field(
      'Certificate types',
      `(${types} types)`,
      at + 1,
      types,
      cr.certificateTypes.map((t, i) =>
        field('Certificate type', `${CERTIFICATE_TYPE_NAMES[t] ?? 'unknown'} (${t})`, at + 1 + i, 1),
      ),
    ),
    field('Signature Hash Algorithms Length', 2 * cr.signatureAlgorithms.length, sigAt, 2),
    field(
      'Signature Hash Algorithms',
      `(${cr.signatureAlgorithms.length} algorithms)`,
      sigAt + 2,
      2 * cr.signatureAlgorithms.length,
      cr.signatureAlgorithms.map((s, i) =>
        field('Signature Algorithm', `${signatureSchemeName(s)} (${hex(s, 4)})`, sigAt + 2 + 2 * i, 2),
      ),
    ),
    field('Distinguished Names Length', u16(f, dnAt), dnAt, 2),
    field('Distinguished Names', `(${u16(f, dnAt)} bytes)`, dnAt + 2, u16(f, dnAt)),
  ];
}

function bodyFields(f: Uint8Array, m: TlsHandshakeView, problems: string[]): Field[] {
  const at = m.offset + 4;
  if (m.type === HandshakeType.Certificate) return certificateFields(f, at, m.present);
  if (m.present < m.length) return [];
  const body = f.subarray(at, at + m.length);
  switch (m.type) {
    case HandshakeType.ClientHello:
      return clientHelloFields(f, body, problems);
    case HandshakeType.ServerHello:
      return serverHelloFields(f, body, problems);
    case HandshakeType.ServerKeyExchange:
      return serverKeyExchangeFields(f, body, problems);
    case HandshakeType.CertificateRequest:
      return certificateRequestFields(f, body, problems);
    case HandshakeType.ClientKeyExchange:
      return clientKeyExchangeFields(f, body, problems);
    case HandshakeType.NewSessionTicket: {
      const t = parseNewSessionTicket12(body);
      if (t instanceof ProtocolError) return [];
      return [
        field('Session Ticket Lifetime Hint', `${t.lifetimeHint} seconds`, at, 4),
        field('Session Ticket Length', t.ticket.length, at + 4, 2),
        field('Session Ticket', `${t.ticket.length} bytes`, at + 6, t.ticket.length),
      ];
    }
    case HandshakeType.Finished:
      return [field('Verify Data', toHex(body), at, body.length)];
    default:
      return [];
  }
}

/** One handshake message: its header and, in the clear, its body's fields. */
export function handshakeFields(f: Uint8Array, m: TlsHandshakeView, name: string, problems: string[]): Field {
  const children = [
    field('Handshake Type', `${name} (${m.type})`, m.offset, 1),
    field('Length', m.length, m.offset + 1, 3),
    ...bodyFields(f, m, problems),
  ];
  if (m.present < m.length)
    children.push(
      field(
        '[Message continues]',
        `${m.present} of ${m.length} bytes in this segment and record`,
        m.offset + 4,
        m.present,
      ),
    );
  return field('Handshake Protocol', name, m.offset, 4 + m.present, children);
}
