/**
 * A handshake message in one line of words, from what it carried (`HandshakeDetails`,
 * events.ts): what a timeline or `netlab run --trace tls` prints next to the message's
 * name. It says what each message is for in the handshake — the suites offered and the
 * one chosen (RFC 8446 §4.1.1), the certificate chain, the server's signed (EC)DHE share
 * (RFC 8422 §5.4), the premaster secret encrypted to the server's RSA key or the client's
 * share (RFC 5246 §7.4.7), the signature over the transcript (RFC 8446 §4.4.3) — with the
 * sizes that make the public-key parts visible: an RSA-2048 encrypted premaster secret is
 * 256 bytes, an X25519 share 32.
 */
import type { CertificateSummary } from '../pki/trace-events.ts';
import type { HandshakeDetails } from './events.ts';

/** Hex text's length in bytes. */
function bytes(hex: string): number {
  return hex.length / 2;
}

/** `CN = www.example.com` out of a whole subject, when it has a CN. */
function commonName(subject: string): string {
  const cn = /(?:^|, )CN = ([^,]*)$/.exec(subject);
  return cn ? `CN = ${cn[1]}` : subject || '(empty subject)';
}

function chain(list: readonly CertificateSummary[]): string {
  if (list.length === 0) return 'none';
  return list.map((c) => `${commonName(c.subject)} [${c.key}]`).join(' ← ');
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** What the message carried, in words ('' when there is nothing to say). */
export function handshakeWords(d: HandshakeDetails): string {
  switch (d.type) {
    case 'ClientHello': {
      const parts = [d.versions.join(', '), `${count(d.suites.length, 'suite')}: ${d.suites.join(' ')}`];
      if (d.keyShares.length > 0) parts.push(`key share ${d.keyShares.join(', ')}`);
      if (d.serverName !== undefined) parts.push(`SNI ${d.serverName}`);
      if (d.alpn) parts.push(`ALPN ${d.alpn.join(',')}`);
      return parts.join('; ');
    }
    case 'ServerHello': {
      const parts = [d.version, d.suite];
      if (d.keyShare !== undefined) parts.push(`key share ${d.keyShare}`);
      if (d.downgradeSentinel) parts.push('downgrade sentinel in the random');
      return parts.join('; ');
    }
    case 'HelloRetryRequest':
      return [
        d.suite,
        ...(d.selectedGroup ? [`send a key share for ${d.selectedGroup}`] : []),
        ...(d.cookie ? ['cookie'] : []),
      ].join('; ');
    case 'EncryptedExtensions':
      return d.alpn !== undefined ? `ALPN ${d.alpn}` : count(d.extensions.length, 'extension');
    case 'Certificate':
      return d.chain.length === 0 ? 'no certificate' : chain(d.chain);
    case 'CertificateRequest':
      return `${count(d.signatureAlgorithms.length, 'signature algorithm')}, ${count(d.authorities, 'CA name')}`;
    case 'ServerKeyExchange':
      return `${d.group} public key, ${bytes(d.publicKey)} bytes, signed ${d.signatureScheme}`;
    case 'ServerHelloDone':
      return '';
    case 'ClientKeyExchange':
      return d.kind === 'rsa'
        ? `RSA-encrypted pre-master secret, ${bytes(d.encryptedPremasterSecret)} bytes`
        : `${d.group} public key, ${bytes(d.publicKey)} bytes`;
    case 'CertificateVerify':
      return `${d.signatureScheme} signature, ${d.signatureLength} bytes`;
    case 'Finished':
      return `verify_data ${bytes(d.verifyData)} bytes`;
    case 'NewSessionTicket':
      return `lifetime ${d.lifetime} s`;
    case 'KeyUpdate':
      return d.requestUpdate ? 'update_requested' : 'update_not_requested';
    case 'ChangeCipherSpec':
      return d.middlebox ? 'middlebox compatibility, ignored in TLS 1.3' : '';
    case 'HelloRequest':
      return '';
  }
}

/** `ClientKeyExchange (RSA-encrypted pre-master secret, 256 bytes)`. */
export function handshakeLine(d: HandshakeDetails): string {
  const words = handshakeWords(d);
  return words === '' ? d.type : `${d.type} (${words})`;
}
