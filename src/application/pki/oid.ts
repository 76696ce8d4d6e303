/**
 * ASN.1 OBJECT IDENTIFIERs (X.690 §8.19): the dotted form and its DER contents, and the
 * names of the identifiers X.509, PKCS #1/#8/#10 and RFC 5480 use, as OpenSSL prints them.
 *
 * Arcs are limited to 2^53 - 1 (exact JS numbers); longer arcs (UUID-based 2.25.x) are
 * refused as malformed rather than silently rounded.
 */

/** The identifiers netlab reads or writes, by role. */
export const Oid = {
  // RFC 4519 / X.520 attribute types of names
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  country: '2.5.4.6',
  locality: '2.5.4.7',
  state: '2.5.4.8',
  street: '2.5.4.9',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  emailAddress: '1.2.840.113549.1.9.1',
  domainComponent: '0.9.2342.19200300.100.1.25',
  // Public keys (RFC 3279, RFC 5480)
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  secp521r1: '1.3.132.0.35',
  // Signature algorithms (RFC 4055, RFC 5758)
  sha1WithRSAEncryption: '1.2.840.113549.1.1.5',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  rsassaPss: '1.2.840.113549.1.1.10',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  // Certificate extensions (RFC 5280 §4.2)
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  // Extended key usages (RFC 5280 §4.2.1.12)
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  anyExtendedKeyUsage: '2.5.29.37.0',
  // PKCS #9 attribute carrying requested extensions in a CSR (RFC 2985 §5.4.2)
  extensionRequest: '1.2.840.113549.1.9.14',
} as const;

/** OpenSSL's short or long names, for printing (`openssl x509 -text`). */
const NAMES: Record<string, string> = {
  [Oid.commonName]: 'CN',
  [Oid.surname]: 'SN',
  [Oid.serialNumber]: 'serialNumber',
  [Oid.country]: 'C',
  [Oid.locality]: 'L',
  [Oid.state]: 'ST',
  [Oid.street]: 'street',
  [Oid.organization]: 'O',
  [Oid.organizationalUnit]: 'OU',
  [Oid.emailAddress]: 'emailAddress',
  [Oid.domainComponent]: 'DC',
  [Oid.rsaEncryption]: 'rsaEncryption',
  [Oid.ecPublicKey]: 'id-ecPublicKey',
  [Oid.prime256v1]: 'prime256v1',
  [Oid.secp384r1]: 'secp384r1',
  [Oid.secp521r1]: 'secp521r1',
  [Oid.sha1WithRSAEncryption]: 'sha1WithRSAEncryption',
  [Oid.sha256WithRSAEncryption]: 'sha256WithRSAEncryption',
  [Oid.sha384WithRSAEncryption]: 'sha384WithRSAEncryption',
  [Oid.sha512WithRSAEncryption]: 'sha512WithRSAEncryption',
  [Oid.rsassaPss]: 'rsassaPss',
  [Oid.ecdsaWithSha256]: 'ecdsa-with-SHA256',
  [Oid.ecdsaWithSha384]: 'ecdsa-with-SHA384',
  [Oid.ecdsaWithSha512]: 'ecdsa-with-SHA512',
  [Oid.subjectKeyIdentifier]: 'X509v3 Subject Key Identifier',
  [Oid.keyUsage]: 'X509v3 Key Usage',
  [Oid.subjectAltName]: 'X509v3 Subject Alternative Name',
  [Oid.basicConstraints]: 'X509v3 Basic Constraints',
  [Oid.nameConstraints]: 'X509v3 Name Constraints',
  [Oid.crlDistributionPoints]: 'X509v3 CRL Distribution Points',
  [Oid.certificatePolicies]: 'X509v3 Certificate Policies',
  [Oid.authorityKeyIdentifier]: 'X509v3 Authority Key Identifier',
  [Oid.extKeyUsage]: 'X509v3 Extended Key Usage',
  [Oid.authorityInfoAccess]: 'Authority Information Access',
  [Oid.serverAuth]: 'TLS Web Server Authentication',
  [Oid.clientAuth]: 'TLS Web Client Authentication',
  [Oid.codeSigning]: 'Code Signing',
  [Oid.emailProtection]: 'E-mail Protection',
  [Oid.timeStamping]: 'Time Stamping',
  [Oid.ocspSigning]: 'OCSP Signing',
  [Oid.anyExtendedKeyUsage]: 'Any Extended Key Usage',
  [Oid.extensionRequest]: 'Requested Extensions',
};

/** A printable name for an identifier: OpenSSL's, or the dotted form. */
export function oidName(oid: string): string {
  return NAMES[oid] ?? oid;
}

/** The DER contents of an OBJECT IDENTIFIER. Throws on a malformed dotted string (API misuse). */
export function encodeOid(oid: string): Uint8Array {
  const arcs = oid.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : Number.NaN));
  if (arcs.length < 2 || arcs.some((a) => !Number.isSafeInteger(a))) {
    throw new TypeError(`not an object identifier: ${oid}`);
  }
  const [a, b] = arcs as [number, number];
  if (a > 2 || (a < 2 && b > 39)) throw new TypeError(`not an object identifier: ${oid}`);
  const out: number[] = [];
  const put = (v: number) => {
    const groups: number[] = [v % 128];
    v = Math.floor(v / 128);
    while (v > 0) {
      groups.push((v % 128) | 0x80);
      v = Math.floor(v / 128);
    }
    for (let i = groups.length - 1; i >= 0; i--) out.push(groups[i]!);
  };
  put(a * 40 + b);
  for (let i = 2; i < arcs.length; i++) put(arcs[i]!);
  return Uint8Array.from(out);
}

/** The dotted form of DER OBJECT IDENTIFIER contents, or null when malformed (X.690 §8.19). */
export function decodeOid(c: Uint8Array): string | null {
  if (c.length === 0 || c[c.length - 1]! & 0x80) return null;
  const arcs: number[] = [];
  let v = 0;
  let start = true;
  for (const byte of c) {
    if (start && byte === 0x80) return null; // leading 0x80 is not minimal (§8.19.2)
    v = v * 128 + (byte & 0x7f);
    if (!Number.isSafeInteger(v)) return null;
    start = (byte & 0x80) === 0;
    if (start) {
      if (arcs.length === 0) {
        const first = v < 40 ? 0 : v < 80 ? 1 : 2;
        arcs.push(first, v - first * 40);
      } else {
        arcs.push(v);
      }
      v = 0;
    }
  }
  return arcs.join('.');
}
