/**
 * What a node's name service offers the tools and applications above it: names to IPv4
 * addresses. It lives in the transport layer so that the DNS stub resolver (application
 * layer) can provide it and the tools (above) can use it, with imports pointing down.
 */
import { ServiceKey } from '../link/service-key.ts';

export interface NameResolver {
  /**
   * IPv4 addresses of `name`, or the error glibc would report: 'Name or service not known'
   * (NXDOMAIN, no data) or 'Temporary failure in name resolution' (SERVFAIL, timeouts).
   */
  lookupIpv4(name: string): Promise<readonly number[] | { readonly error: string }>;
}

export const NAME_RESOLVER = new ServiceKey<NameResolver>('name resolver');
