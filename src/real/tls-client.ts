/**
 * `netlab curl ... https://...` was a transfer loop of its own here; https:// is now part
 * of curl's one engine (src/tools/commands/curl-transfers.ts), run over real sockets by
 * src/real/http-client.ts. These names stay for the callers that use them.
 */
export { curlName } from '../tools/commands/curl-tls-session.ts';
export {
  loadPemBundle,
  type RealCurlOptions as TlsCurlOptions,
  realCurl as curlHttps,
} from './http-client.ts';
