/**
 * Options of a TLS client and server, their defaults and their validation (misuse is a
 * NetlabError at construction, never a surprise mid-handshake).
 *
 * Defaults: both versions (1.3 preferred), every implemented suite in `DEFAULT_SUITES`
 * order, groups x25519, secp256r1, secp384r1 with one x25519 key share, Chrome's signature
 * algorithms, extended master secret on, no middlebox compatibility mode, no tickets.
 *
 * Lists of groups and signature algorithms may contain raw code points netlab does not
 * implement: they are only advertised (to reproduce another implementation's hello byte
 * for byte, RFC 8448); a peer that picks one gets `handshake_failure`.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import type { Certificate } from '../pki/certificate.ts';
import type { UnixTime } from '../pki/der-time.ts';
import type { PrivateKey } from '../pki/keys.ts';
import type { RandomSource } from '../pki/random-source.ts';
import type { TrustStore } from '../pki/trust-store.ts';
import { type CipherSuite, type CipherSuiteName, DEFAULT_SUITES, suiteByName } from './cipher-suites.ts';
import { NAMED_GROUPS, SIGNATURE_SCHEMES, type SignatureSchemeName, type TlsVersion } from './code-points.ts';
import { checkAlpnName } from './extensions.ts';
import { DEFAULT_MAX_HANDSHAKE_MESSAGE } from './handshake-framing.ts';
import { implementedGroup, type KeyExchangeGroup } from './key-exchange.ts';
import { DEFAULT_SIGNATURE_SCHEMES, type HandshakeSigner, keySigner } from './signature-schemes.ts';

/** A certificate chain (leaf first) and the key of its leaf. */
export interface Credential {
  readonly chain: readonly Certificate[];
  readonly key: PrivateKey | HandshakeSigner;
}

export interface TlsCommonOptions {
  /** Randoms, key shares, premaster secrets. */
  readonly random: RandomSource;
  /** The wall clock certificates are checked against. Required to validate certificates. */
  readonly now?: () => UnixTime;
  readonly versions?: readonly TlsVersion[];
  readonly suites?: readonly CipherSuiteName[];
  readonly groups?: readonly (KeyExchangeGroup | number)[];
  readonly signatureAlgorithms?: readonly (SignatureSchemeName | number)[];
  /** ALPN protocols, most preferred first ('h2', 'http/1.1'). */
  readonly alpn?: readonly string[];
  /** Roots to validate the peer's chain against (a client's server, a server's clients). */
  readonly trustStore?: TrustStore;
  /** RFC 8449 record_size_limit to advertise (64..16385). Not sent when absent. */
  readonly recordSizeLimit?: number;
  readonly maxHandshakeMessage?: number;
  /** Smallest RSA key accepted in the peer's chain. Default 2048. */
  readonly minRsaBits?: number;
  /** Build `handshake` events with what each message carries (costs some work). Default false. */
  readonly describe?: boolean;
}

export interface TlsClientOptions extends TlsCommonOptions {
  /** Sent as SNI (unless it is an IP address) and checked against the certificate. */
  readonly serverName?: string;
  /** Identity checked against the certificate; default serverName; null skips the host check. */
  readonly hostname?: string | null;
  /** Validate the server's chain (default true). false is `curl -k`: anything is accepted. */
  readonly verify?: boolean;
  /** Groups that get a key share in the first ClientHello. Default: the first implemented group. */
  readonly keyShares?: readonly KeyExchangeGroup[];
  /** A client certificate, sent when the server asks for one. */
  readonly certificate?: Credential;
  /** RFC 8446 Appendix D.4: random session id and ChangeCipherSpec records. Default false. */
  readonly middleboxCompat?: boolean;
  /** RFC 7627 for TLS 1.2. Default true. */
  readonly extendedMasterSecret?: boolean;
  /** Send the empty renegotiation_info extension. Default: when TLS 1.2 is offered. */
  readonly renegotiationInfo?: boolean;
  /** Advertise an empty session_ticket extension (tickets are accepted and ignored). */
  readonly sessionTicket?: boolean;
  /** Advertise psk_key_exchange_modes (psk_dhe_ke), so TLS 1.3 servers send tickets. */
  readonly pskModes?: boolean;
  /** RFC 7507: this is a fallback connection (sends TLS_FALLBACK_SCSV). */
  readonly fallback?: boolean;
  /**
   * RFC 7685 padding: a ClientHello of 256 to 511 bytes is padded to 512 (the workaround
   * NSS and BoringSSL apply for middleboxes that choke on those lengths). Default false.
   */
  readonly padding?: boolean;
}

export interface TlsServerOptions extends TlsCommonOptions {
  /** One or more certificates (say ECDSA and RSA); chosen by SNI and by what the client accepts. */
  readonly certificates: readonly Credential[];
  /** Send CertificateRequest (mutual TLS). */
  readonly requestClientCertificate?: boolean;
  /** Refuse clients that send no certificate (certificate_required / handshake_failure). */
  readonly requireClientCertificate?: boolean;
  /** List our groups in EncryptedExtensions (RFC 8446 §4.2.7). Default false. */
  readonly advertiseGroups?: boolean;
  /** Answer SNI with an empty server_name extension (RFC 6066 §3). Default true. */
  readonly acknowledgeServerName?: boolean;
  /** Prefer the server's suite order (default true) rather than the client's. */
  readonly preferServerSuites?: boolean;
}

export interface ResolvedCommon {
  readonly random: RandomSource;
  readonly now: (() => UnixTime) | undefined;
  readonly versions: readonly TlsVersion[];
  readonly suites: readonly CipherSuite[];
  /** Code points, in preference order (advertised). */
  readonly groupCodes: readonly number[];
  /** The implemented ones among them. */
  readonly groups: readonly KeyExchangeGroup[];
  readonly signatureCodes: readonly number[];
  readonly alpn: readonly string[];
  readonly trustStore: TrustStore | undefined;
  readonly recordSizeLimit: number | undefined;
  readonly maxHandshakeMessage: number;
  readonly minRsaBits: number;
  readonly describe: boolean;
}

export interface ResolvedCredential {
  readonly chain: readonly Certificate[];
  readonly signer: HandshakeSigner;
  /** The private key itself when it is one (RSA key exchange decrypts with it). */
  readonly privateKey: PrivateKey | undefined;
}

function misuse(message: string): never {
  throw new NetlabError('tls-config', message);
}

/** `random`: the connection's source, for RSA-PSS salts when the key is held here. */
function resolveCredential(c: Credential, random?: RandomSource): ResolvedCredential {
  if (c.chain.length === 0) misuse('a credential needs at least one certificate');
  const isSigner = 'sign' in c.key;
  const signer = isSigner ? (c.key as HandshakeSigner) : keySigner(c.key as PrivateKey, random);
  return { chain: c.chain, signer, privateKey: isSigner ? undefined : (c.key as PrivateKey) };
}

export { resolveCredential };

export function resolveCommon(o: TlsCommonOptions): ResolvedCommon {
  if (typeof o.random !== 'function') misuse('random: a RandomSource is required');
  const versions = o.versions ?? ['1.3', '1.2'];
  if (versions.length === 0 || versions.some((v) => v !== '1.2' && v !== '1.3'))
    misuse(`versions: ${versions.join(', ')}`);
  const suites = (o.suites ?? DEFAULT_SUITES).map(
    (n) => suiteByName(n) ?? misuse(`unknown cipher suite ${n}`),
  );
  const usable = suites.filter((s) => versions.includes(s.version));
  if (usable.length === 0) misuse('no cipher suite for the configured versions');
  const groupCodes = (o.groups ?? ['x25519', 'secp256r1', 'secp384r1']).map((g) =>
    typeof g === 'number' ? g : (NAMED_GROUPS[g] ?? misuse(`unknown group ${g}`)),
  );
  const groups = groupCodes.map(implementedGroup).filter((g): g is KeyExchangeGroup => g !== undefined);
  if (groups.length === 0) misuse('no implemented key exchange group');
  const signatureCodes = (o.signatureAlgorithms ?? DEFAULT_SIGNATURE_SCHEMES).map((s) =>
    typeof s === 'number' ? s : (SIGNATURE_SCHEMES[s] ?? misuse(`unknown signature scheme ${s}`)),
  );
  for (const p of o.alpn ?? []) checkAlpnName(p);
  const rsl = o.recordSizeLimit;
  if (rsl !== undefined && !(Number.isInteger(rsl) && rsl >= 64 && rsl <= 16385))
    misuse('recordSizeLimit must be 64..16385');
  return {
    random: o.random,
    now: o.now,
    versions,
    suites: usable,
    groupCodes,
    groups,
    signatureCodes,
    alpn: o.alpn ?? [],
    trustStore: o.trustStore,
    recordSizeLimit: rsl,
    maxHandshakeMessage: o.maxHandshakeMessage ?? DEFAULT_MAX_HANDSHAKE_MESSAGE,
    minRsaBits: o.minRsaBits ?? 2048,
    describe: o.describe ?? false,
  };
}
