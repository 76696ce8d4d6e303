/**
 * The stub resolver as a node's name service (`NAME_RESOLVER`, src/transport/name-resolver.ts):
 * what getaddrinfo(3) gives `ping`, `traceroute` and `iperf` for AF_INET on a host whose
 * nsswitch.conf says `hosts: files dns` — the hosts file, then DNS (A records, after any
 * CNAME chain), with the failures turned into the gai_strerror(3) texts the tools print:
 *
 * - NXDOMAIN, and NOERROR without an address (NODATA): `Name or service not known`
 *   (EAI_NONAME; glibc maps HOST_NOT_FOUND and NO_DATA for AF_INET to it);
 * - SERVFAIL and no answer at all (timeouts): `Temporary failure in name resolution`
 *   (EAI_AGAIN, from TRY_AGAIN);
 * - FORMERR, NOTIMP and REFUSED from every server: `Non-recoverable failure in name
 *   resolution` (EAI_FAIL, from NO_RECOVERY), as glibc's res_query classifies them.
 *
 * Left out: AAAA (the tools here are IPv4), the address sorting of RFC 6724.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import { parseIpv4Address } from '../../internet/ipv4-address.ts';
import type { NameResolver } from '../../transport/name-resolver.ts';
import { RecordType } from './dns-constants.ts';
import type { LookupResult, StubResolver } from './stub-resolver.ts';

export const EAI_NONAME = 'Name or service not known';
export const EAI_AGAIN = 'Temporary failure in name resolution';
export const EAI_FAIL = 'Non-recoverable failure in name resolution';

/** The gai_strerror text for a lookup that gave no IPv4 address. */
export function lookupErrorText(r: Pick<LookupResult, 'status'>): string {
  switch (r.status) {
    case 'NXDOMAIN':
    case 'NOERROR':
      return EAI_NONAME;
    case 'FORMERR':
    case 'NOTIMP':
    case 'REFUSED':
      return EAI_FAIL;
    default:
      return EAI_AGAIN;
  }
}

/** Adapts a node's stub resolver to the `NameResolver` the tools look names up with. */
export class StubNameResolver implements NameResolver {
  constructor(readonly stub: StubResolver) {}

  async lookupIpv4(name: string): Promise<readonly number[] | { readonly error: string }> {
    let r: LookupResult;
    try {
      r = await this.stub.lookup(name, RecordType.A);
    } catch (e) {
      // A name that is not a domain name (an empty label, a label over 63 octets): glibc
      // refuses to build the query and getaddrinfo says the name is not known.
      if (e instanceof NetlabError && e.code === 'bad-name') return { error: EAI_NONAME };
      throw e;
    }
    const addresses = r.addresses.map((a) => parseIpv4Address(a)).filter((a): a is number => a !== undefined);
    if (addresses.length > 0) return addresses;
    return { error: lookupErrorText(r) };
  }
}
