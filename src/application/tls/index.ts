/**
 * netlab's TLS: TLS 1.2 and 1.3 client and server machines (sans-I/O), their wire codecs,
 * and `tlsConnect` / `tlsAccept`, which run them over any ByteStream. What is and is not
 * implemented is stated at the top of client.ts, server.ts and each codec.
 */
export { type Alert, AlertDescription, type AlertName, alertName } from './alert.ts';
export {
  CIPHER_SUITES,
  type CipherSuite,
  type CipherSuiteName,
  DEFAULT_SUITES,
  suiteByCode,
  suiteByName,
  suiteName,
} from './cipher-suites.ts';
export { TlsClient } from './client.ts';
export {
  ContentType,
  groupName,
  NAMED_GROUPS,
  type NamedGroupName,
  SIGNATURE_SCHEMES,
  type SignatureSchemeName,
  signatureSchemeName,
  type TlsVersion,
  versionName,
} from './code-points.ts';
export type { Credential, TlsClientOptions, TlsCommonOptions, TlsServerOptions } from './config.ts';
export { TlsConnection } from './connection.ts';
export type { HandshakeDetails, KeyLogLabel, SessionInfo, TlsEvent } from './events.ts';
export { allowedTargets, type Incoming, TRANSITIONS, type TlsState } from './handshake-state.ts';
export { HTTP1_ALPN, HTTPS_PORT, type HttpsClientTls, httpsConnector, httpsHandler } from './https.ts';
export {
  BROWSER_ADDRESS,
  buildHttpsPair,
  type HttpsPair,
  type HttpsPairOptions,
  SERVER_ADDRESS,
} from './https-pair.ts';
export { IMPLEMENTED_GROUPS, type KeyExchangeGroup } from './key-exchange.ts';
export { formatKeyLogLine, KeyLogCollector } from './key-log.ts';
export { parseRecord, serializeRecord, type TlsRecord } from './record.ts';
export { type InstallTlsOptions, installTls, NODE_TLS, type NodeTls } from './node-tls.ts';
export { TlsServer } from './server.ts';
export { type HandshakeSigner, keySigner } from './signature-schemes.ts';
export { TlsError, type TlsErrorCode, type TlsFailure } from './tls-error.ts';
export {
  type TlsAcceptOptions,
  type TlsConnectOptions,
  TlsStream,
  type TlsStreamOptions,
  tlsAccept,
  tlsConnect,
} from './tls-stream.ts';
export {} from './trace-events.ts';
