/** DNS: wire codec, zones, authoritative server, resolvers, and their simulator services. */
export {
  AuthoritativeServer,
  type AuthoritativeServerOptions,
  type DnsTransportKind,
  type ServeOutcome,
  type ServeResult,
} from './authoritative-server.ts';
export {
  type CacheEntryView,
  type CacheLookup,
  type CacheRank,
  DnsCache,
  type DnsCacheOptions,
} from './dns-cache.ts';
export {
  className,
  classNumber,
  Opcode,
  opcodeName,
  Rcode,
  RecordClass,
  RecordType,
  rcodeName,
  typeName,
  typeNumber,
} from './dns-constants.ts';
export {
  type ExchangeOptions,
  type ExchangeResult,
  exchange,
  matchResponse,
  responseKind,
} from './dns-exchange.ts';
export {
  buildDnsHierarchy,
  type DnsHierarchy,
  type DnsHierarchySpec,
  type DnsNetworkView,
  type HierarchyClientSpec,
  type HierarchyZoneSpec,
} from './dns-hierarchy.ts';
export {
  DatagramQueue,
  type DnsDatagram,
  type DnsDatagramSocket,
  type DnsIo,
  type DnsRefused,
  type DnsServerAddress,
  plainDeferred,
} from './dns-io.ts';
export {
  DNS_MAX_MESSAGE,
  DNS_UDP_LIMIT,
  type DnsMessage,
  type DnsQuestion,
  type DnsRdata,
  type DnsRecord,
  type Edns,
  type EdnsOption,
  EMPTY_MESSAGE,
  parseDnsMessage,
  type SerializeOptions,
  serializeDnsMessage,
} from './dns-message.ts';
export { canonicalName, isSubdomain, nameKey, parentName, readName, sameName } from './dns-name.ts';
export { formatCharacterString, formatGenericRdata, formatRdata, txtData } from './dns-presentation.ts';
export {
  DNS_PORT,
  DNS_SERVER,
  DnsServerService,
  installAuthoritativeServer,
  installRecursiveResolver,
  installStubResolver,
  MAX_TCP_CLIENTS,
  RECURSIVE_RESOLVER,
  RESOLVER,
  type StreamConnector,
  simDnsIo,
  tcpConnector,
} from './dns-sim.ts';
export {
  DnsStreamDecoder,
  frameDnsMessage,
  queryOverStream,
  readDnsMessage,
  serveDnsStream,
} from './dns-stream.ts';
export { type HostsEntry, HostsFile } from './hosts-file.ts';
export { formatIpv6, parseIpv6 } from './ipv6-text.ts';
export { RecursiveResolver, type RecursiveResolverOptions, type Resolution } from './recursive-resolver.ts';
export { DEFAULT_RESOLV_CONF, parseResolvConf, type ResolvConf } from './resolv-conf.ts';
export {
  type LookupResult,
  type QueryOptions,
  StubResolver,
  type StubResolverOptions,
} from './stub-resolver.ts';
export {
  EAI_AGAIN,
  EAI_FAIL,
  EAI_NONAME,
  lookupErrorText,
  StubNameResolver,
} from './stub-name-resolver.ts';
export type * from './trace-events.ts';
export { Zone, type ZoneLookup } from './zone.ts';
export {
  type ParsedZoneFile,
  parseTtl,
  parseZoneFile,
  ZoneFileError,
  type ZoneFileOptions,
} from './zone-file.ts';
