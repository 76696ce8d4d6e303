/**
 * The TLS handshake as data: every state of a client and a server (TLS 1.2 and 1.3), and
 * for each state the messages that may arrive next and the states they can lead to
 * (RFC 8446 Appendix A.1/A.2, RFC 5246 §7.3). The machines look every incoming message up
 * here first: a message the table does not list for the current state is one typed error,
 * `unexpected_message`, whatever the message is. Tests walk the table.
 */
import { HandshakeType } from './code-points.ts';

export type TlsState =
  | 'start'
  | 'client-wait-server-hello'
  | 'client-wait-encrypted-extensions'
  | 'client-wait-certificate-or-request'
  | 'client-wait-certificate'
  | 'client-wait-certificate-verify'
  | 'client-wait-server-key-exchange'
  | 'client-wait-server-hello-done'
  | 'client-wait-change-cipher-spec'
  | 'client-wait-finished'
  | 'server-wait-client-hello'
  | 'server-wait-second-client-hello'
  | 'server-wait-client-certificate'
  | 'server-wait-client-key-exchange'
  | 'server-wait-certificate-verify'
  | 'server-wait-change-cipher-spec'
  | 'server-wait-finished'
  | 'connected'
  | 'failed';

/** What can arrive: a handshake message type by name, or a ChangeCipherSpec record. */
export type Incoming =
  | 'ClientHello'
  | 'ServerHello'
  | 'EncryptedExtensions'
  | 'Certificate'
  | 'CertificateRequest'
  | 'CertificateVerify'
  | 'ServerKeyExchange'
  | 'ServerHelloDone'
  | 'ClientKeyExchange'
  | 'Finished'
  | 'NewSessionTicket'
  | 'KeyUpdate'
  | 'HelloRequest'
  | 'ChangeCipherSpec';

type Table = { readonly [S in TlsState]: { readonly [M in Incoming]?: readonly TlsState[] } };

export const TRANSITIONS: Table = {
  start: {},
  'client-wait-server-hello': {
    // 1.3 → encrypted extensions; 1.2 → certificate; HelloRetryRequest → another ServerHello
    ServerHello: ['client-wait-encrypted-extensions', 'client-wait-certificate', 'client-wait-server-hello'],
  },
  'client-wait-encrypted-extensions': { EncryptedExtensions: ['client-wait-certificate-or-request'] },
  'client-wait-certificate-or-request': {
    CertificateRequest: ['client-wait-certificate'],
    Certificate: ['client-wait-certificate-verify'],
  },
  'client-wait-certificate': {
    // 1.3 → CertificateVerify; 1.2 ECDHE → ServerKeyExchange; 1.2 RSA → ServerHelloDone
    Certificate: [
      'client-wait-certificate-verify',
      'client-wait-server-key-exchange',
      'client-wait-server-hello-done',
    ],
  },
  'client-wait-certificate-verify': { CertificateVerify: ['client-wait-finished'] },
  'client-wait-server-key-exchange': { ServerKeyExchange: ['client-wait-server-hello-done'] },
  'client-wait-server-hello-done': {
    CertificateRequest: ['client-wait-server-hello-done'],
    ServerHelloDone: ['client-wait-change-cipher-spec'],
  },
  'client-wait-change-cipher-spec': {
    NewSessionTicket: ['client-wait-change-cipher-spec'],
    ChangeCipherSpec: ['client-wait-finished'],
  },
  'client-wait-finished': { Finished: ['connected'] },
  'server-wait-client-hello': {
    ClientHello: [
      'server-wait-second-client-hello',
      'server-wait-client-certificate',
      'server-wait-finished',
      'server-wait-client-key-exchange',
    ],
  },
  'server-wait-second-client-hello': {
    ClientHello: ['server-wait-client-certificate', 'server-wait-finished'],
  },
  'server-wait-client-certificate': {
    Certificate: [
      'server-wait-certificate-verify',
      'server-wait-finished',
      'server-wait-client-key-exchange',
    ],
  },
  'server-wait-client-key-exchange': {
    ClientKeyExchange: ['server-wait-certificate-verify', 'server-wait-change-cipher-spec'],
  },
  'server-wait-certificate-verify': {
    CertificateVerify: ['server-wait-finished', 'server-wait-change-cipher-spec'],
  },
  'server-wait-change-cipher-spec': { ChangeCipherSpec: ['server-wait-finished'] },
  'server-wait-finished': { Finished: ['connected'] },
  connected: {
    // 1.3 client: tickets; 1.3 both: key updates; 1.2: renegotiation attempts (refused).
    NewSessionTicket: ['connected'],
    KeyUpdate: ['connected'],
    HelloRequest: ['connected'],
    ClientHello: ['connected'],
  },
  failed: {},
};

/** The states a message may lead to from `state`, or undefined when it is unexpected there. */
export function allowedTargets(state: TlsState, message: Incoming): readonly TlsState[] | undefined {
  return TRANSITIONS[state][message];
}

export const INCOMING: readonly Incoming[] = [
  'ClientHello',
  'ServerHello',
  'EncryptedExtensions',
  'Certificate',
  'CertificateRequest',
  'CertificateVerify',
  'ServerKeyExchange',
  'ServerHelloDone',
  'ClientKeyExchange',
  'Finished',
  'NewSessionTicket',
  'KeyUpdate',
  'HelloRequest',
  'ChangeCipherSpec',
];

type IncomingMessage = Exclude<Incoming, 'ChangeCipherSpec'>;

/** Handshake type to table name: every incoming kind but ChangeCipherSpec, a record rather than a message. */
const BY_TYPE: ReadonlyMap<number, Incoming> = new Map(
  INCOMING.filter((n): n is IncomingMessage => n !== 'ChangeCipherSpec').map((n) => [HandshakeType[n], n]),
);

/** The table's name for a handshake message type, or undefined for types netlab never accepts. */
export function incomingOf(handshakeType: number): Incoming | undefined {
  return BY_TYPE.get(handshakeType);
}
