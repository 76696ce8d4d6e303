/**
 * The handshake messages only a key log shows: what TLS 1.3 encrypts under the handshake
 * and application keys (RFC 8446 §4.3-4.6) — EncryptedExtensions, Certificate with each
 * certificate's subject, CertificateRequest, CertificateVerify, Finished, NewSessionTicket,
 * KeyUpdate — field by field, read by the TLS module's codecs. Offsets are in the record's
 * plaintext (the inspector's "Decrypted TLS" bytes), not in the frame. TLS 1.2's encrypted
 * Finished and anything else of TLS 1.2 go to the clear-text reader (tls-handshake.ts),
 * which reads the same structures in the same way.
 */
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { toHex } from '../../bytes/hex.ts';
import { parseCertificate } from '../../application/pki/certificate.ts';
import { commonNameOf } from '../../application/pki/name.ts';
import { HandshakeType, signatureSchemeName } from '../../application/tls/code-points.ts';
import {
  parseCertificateMessage,
  parseCertificateVerify,
  parseEncryptedExtensions,
  parseKeyUpdate,
  parseNewSessionTicket13,
} from '../../application/tls/handshake-messages.ts';
import { handshakeFields, malformed } from './tls-handshake.ts';
import { extensionFields } from './tls-hello.ts';
import { type Field, field, hex, offsetIn, type TlsHandshakeView } from './types.ts';

/** The subject's common name of a DER certificate, or why it does not read. */
export function subjectOf(der: Uint8Array): string {
  const cert = parseCertificate(der);
  if (cert instanceof ProtocolError) return `[not a certificate the X.509 parser reads: ${cert.message}]`;
  const cn = commonNameOf(cert.subject);
  return cn === undefined ? '(no common name)' : `(subject CN=${cn})`;
}

function certificate13(f: Uint8Array, body: Uint8Array, problems: string[]): Field[] {
  const at = offsetIn(f, body);
  const m = parseCertificateMessage(body, true);
  if (m instanceof ProtocolError) return [malformed('Certificate', m, at, body.length, problems)];
  const listAt = at + 1 + m.context.length;
  const certs = m.entries.flatMap((e) => {
    const derAt = offsetIn(f, e.der);
    const extLength = (f[derAt + e.der.length]! << 8) | f[derAt + e.der.length + 1]!;
    return [
      field('Certificate Length', e.der.length, derAt - 3, 3),
      field('Certificate', `${e.der.length} bytes ${subjectOf(e.der)}`, derAt, e.der.length),
      field('Extensions Length', extLength, derAt + e.der.length, 2),
    ];
  });
  const listLength = body.length - 1 - m.context.length - 3;
  return [
    field('Certificate Request Context Length', m.context.length, at, 1),
    field('Certificates Length', listLength, listAt, 3),
    field('Certificates', `(${listLength} bytes)`, listAt + 3, listLength, certs),
  ];
}

function bodyFields13(f: Uint8Array, m: TlsHandshakeView, problems: string[]): Field[] | undefined {
  const at = m.offset + 4;
  const body = f.subarray(at, at + m.length);
  switch (m.type) {
    case HandshakeType.EncryptedExtensions: {
      const list = parseEncryptedExtensions(body);
      if (list instanceof ProtocolError)
        return [malformed('EncryptedExtensions', list, at, body.length, problems)];
      return list.length === 0
        ? [field('Extensions Length', 0, at, 2)]
        : extensionFields(f, list, 'server', problems);
    }
    case HandshakeType.Certificate:
      return certificate13(f, body, problems);
    case HandshakeType.CertificateVerify: {
      const cv = parseCertificateVerify(body);
      if (cv instanceof ProtocolError) return [malformed('CertificateVerify', cv, at, body.length, problems)];
      return [
        field('Signature Algorithm', `${signatureSchemeName(cv.scheme)} (${hex(cv.scheme, 4)})`, at, 2),
        field('Signature length', cv.signature.length, at + 2, 2),
        field('Signature', toHex(cv.signature), at + 4, cv.signature.length),
      ];
    }
    case HandshakeType.NewSessionTicket: {
      const t = parseNewSessionTicket13(body);
      if (t instanceof ProtocolError) return [malformed('NewSessionTicket', t, at, body.length, problems)];
      const nonceAt = at + 9;
      const ticketAt = nonceAt + t.nonce.length + 2;
      return [
        field('TLS Session Ticket', `${t.ticket.length}-byte ticket`, at, body.length, [
          field('Session Ticket Lifetime Hint', `${t.lifetime} seconds`, at, 4),
          field('Session Ticket Age Add', t.ageAdd, at + 4, 4),
          field('Session Ticket Nonce Length', t.nonce.length, at + 8, 1),
          field('Session Ticket Nonce', toHex(t.nonce), nonceAt, t.nonce.length),
          field('Session Ticket Length', t.ticket.length, ticketAt - 2, 2),
          field('Session Ticket', `${t.ticket.length} bytes`, ticketAt, t.ticket.length),
          field(
            'Extensions Length',
            t.extensions.length === 0 ? 0 : body.length - (ticketAt - at) - t.ticket.length - 2,
            ticketAt + t.ticket.length,
            2,
          ),
        ]),
      ];
    }
    case HandshakeType.KeyUpdate: {
      const r = parseKeyUpdate(body);
      if (r instanceof ProtocolError) return [malformed('KeyUpdate', r, at, body.length, problems)];
      return [field('KeyUpdateRequest', r ? 'update_requested (1)' : 'update_not_requested (0)', at, 1)];
    }
    case HandshakeType.Finished:
      return [field('Verify Data', toHex(body), at, body.length)];
    default:
      return undefined;
  }
}

/** One whole handshake message of a decrypted record: header and body fields. */
export function innerHandshakeFields(
  f: Uint8Array,
  m: TlsHandshakeView,
  name: string,
  tls13: boolean,
  problems: string[],
): Field {
  const body = tls13 && m.present === m.length ? bodyFields13(f, m, problems) : undefined;
  if (body === undefined) return handshakeFields(f, m, name, problems);
  return field('Handshake Protocol', name, m.offset, 4 + m.length, [
    field('Handshake Type', `${name} (${m.type})`, m.offset, 1),
    field('Length', m.length, m.offset + 1, 3),
    ...body,
  ]);
}
