/** The simulated browser: URL breakdown, DNS, connections per origin, subresources, cookies, waterfall. */
export {
  Browser,
  BROWSER_USER_AGENT,
  type BrowserLimits,
  type BrowserOptions,
  DEFAULT_BROWSER_LIMITS,
  type PageLoad,
} from './browser.ts';
export { BrowserError, type BrowserErrorCode, NET_ERROR_NAMES } from './browser-error.ts';
export { nodeLookup, type SimBrowserOptions, simBrowser } from './browser-sim.ts';
export {
  ConnectionPool,
  type ConnectionPoolOptions,
  type OriginKey,
  type PoolRequest,
  type PoolResponse,
  type SecureConnector,
  type StreamConnect,
  toBrowserError,
} from './connection-pool.ts';
export { parseCookieDate } from './cookie-date.ts';
export {
  type CookieContext,
  CookieJar,
  type CookieJarLimits,
  type CookieUrl,
  defaultPath,
  domainMatches,
  MAX_COOKIE_BYTES,
  parseSetCookie,
  pathMatches,
  type SameSite,
  type SetCookie,
  type SetCookieOutcome,
  type StoredCookie,
} from './cookie-jar.ts';
export { HostCache, type HostResolution, type NameLookup } from './host-cache.ts';
export {
  type DomainParts,
  domainParts,
  ICANN_SUFFIXES,
  isPublicSuffix,
  PRIVATE_SUFFIXES,
} from './public-suffix.ts';
export { ReplayStream } from './replay-stream.ts';
export type { BrowserProtocol, ConnectionRecord, ResourceTiming, WireProtocol } from './resource-timing.ts';
export {
  DEFAULT_SCAN_INPUT,
  DEFAULT_SCAN_REFS,
  type FoundReference,
  type ResourceKind,
  type ScanLimits,
  type ScanResult,
  scanCss,
  scanHtml,
} from './subresource-scanner.ts';
export type * from './trace-events.ts';
export {
  breakDownParsed,
  breakDownUrl,
  type HostKind,
  sameSite,
  type UrlBreakdown,
} from './url-breakdown.ts';
export { installWebServer, type WebServer, type WebServerOptions } from './web-server.ts';
