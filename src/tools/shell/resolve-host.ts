/**
 * Name → address for the tools, as getaddrinfo(3) does it on a host: a dotted quad is
 * taken as it is; otherwise the lab's names work like a shared /etc/hosts (every node's
 * name maps to its primary address, every address back to its node's name), and — once
 * the node runs a DNS stub resolver — a name the hosts file does not know is looked up
 * over DNS by the resolver the node carries (`NameResolver`, registered by the DNS layer).
 */
import { parseIpv4Address } from '../../internet/ipv4-address.ts';
import { NAME_RESOLVER } from '../../transport/name-resolver.ts';
import type { CommandContext } from './command.ts';

export { NAME_RESOLVER, type NameResolver } from '../../transport/name-resolver.ts';

export type ResolvedHost =
  | { readonly address: number; readonly numeric: boolean }
  | { readonly error: string };

export async function resolveHost(ctx: CommandContext, text: string): Promise<ResolvedHost> {
  const literal = parseIpv4Address(text);
  if (literal !== undefined) return { address: literal, numeric: true };
  const known = ctx.network.hostAddress(text);
  if (known !== undefined) return { address: known, numeric: false };
  const resolver = ctx.node?.service(NAME_RESOLVER);
  if (resolver) {
    const r = await resolver.lookupIpv4(text);
    if ('error' in r) return { error: r.error };
    if (r.length > 0) return { address: r[0]!, numeric: false };
  }
  return { error: 'Name or service not known' };
}

/** The name an address is known by (hosts-file style), or undefined. */
export function reverseName(ctx: CommandContext, address: number): string | undefined {
  return ctx.network.hostName(address);
}
