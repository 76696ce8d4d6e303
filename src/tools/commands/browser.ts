/**
 * `browser`: loads a page the way a web browser does and prints its waterfall (the
 * browser's network panel as a table, src/tools/format/waterfall.ts) and its page-load
 * time. The browser is src/application/browser: WHATWG URL parsing, the node's resolver
 * (and the lab's host names), 6 connections per origin, subresources from the HTML and
 * its stylesheets, cookies, redirects.
 *
 *   browser [--http1.0 | --http1.1 | --pipelining | --h2] [--no-push] [--connections N] [--cert NAME] [--no-bars] URL
 *
 * Over HTTP/2 the browser accepts server push and takes pushed responses from the push
 * cache (the waterfall says `push`); --no-push sends SETTINGS_ENABLE_PUSH 0, as Chrome
 * does since version 106.
 *
 * It prints the URL broken down first (scheme, host, registrable domain, subdomain,
 * port, path, query), then the table when the load ends, and closes its connections
 * (each then goes through TCP's 4-way close). Exit status 0 when the page loaded (even
 * with failed subresources), 1 when the page itself failed, 2 for usage errors.
 *
 * https:// goes through the node's TLS service (its trust store, seeded randomness,
 * wall clock), offering h2 and http/1.1 by ALPN with --h2, http/1.1 otherwise; the
 * waterfall then has a TLS column. A certificate the browser refuses is shown the way
 * Chromium's interstitial says it: "Your connection is not private" and
 * NET::ERR_CERT_AUTHORITY_INVALID, NET::ERR_CERT_DATE_INVALID or
 * NET::ERR_CERT_COMMON_NAME_INVALID, with what the validation found.
 *
 * `--cert NAME` is the client certificate the user picks when a site asks for one (mutual
 * TLS): one of the node's `pki.clients`. Without it the browser answers a
 * CertificateRequest with no certificate, as Chromium does when the picker is dismissed.
 * A server that refuses the certificate, or wanted one, fails the load with Chromium's
 * "This site can't provide a secure connection" and ERR_BAD_SSL_CLIENT_AUTH_CERT.
 */
import { BrowserError } from '../../application/browser/browser-error.ts';
import { simBrowser } from '../../application/browser/browser-sim.ts';
import { nodeSecureConnector } from '../../application/browser/secure-connector.ts';
import { NODE_TLS } from '../../application/tls/node-tls.ts';
import type { Credential } from '../../application/tls/config.ts';
import { formatNameRfc4514 } from '../../application/pki/name.ts';
import type { BrowserProtocol } from '../../application/browser/resource-timing.ts';
import { breakDownUrl } from '../../application/browser/url-breakdown.ts';
import { formatIpv4Address } from '../../internet/ipv4-address.ts';
import { TCP } from '../../transport/tcp/tcp-layer.ts';
import { waterfallLines } from '../format/waterfall.ts';
import type { Command } from '../shell/command.ts';
import { integerValue, stringValue } from '../shell/option-values.ts';
import { parseOptions } from '../shell/options.ts';
import { resolveHost } from '../shell/resolve-host.ts';

const SPEC = {
  program: 'browser',
  options: {
    http10: { long: 'http1.0' },
    http11: { long: 'http1.1' },
    pipelining: { long: 'pipelining' },
    h2: { long: 'h2' },
    connections: {
      long: 'connections',
      value: integerValue({ label: 'invalid connection count', min: 1, max: 64 }),
    },
    noBars: { long: 'no-bars' },
    noPush: { long: 'no-push' },
    cert: { long: 'cert', value: stringValue() },
  },
} as const;

const PROTOCOL_NAMES: Record<BrowserProtocol, string> = {
  'http1.0': 'HTTP/1.0',
  'http1.1': 'HTTP/1.1 keep-alive',
  'http1.1-pipelining': 'HTTP/1.1 pipelining',
  h2: 'HTTP/2 (prior knowledge)',
};

export const browser: Command = {
  name: 'browser',
  summary: 'load a web page and show its waterfall',
  scope: 'node',
  async run(argv, ctx) {
    const parsed = parseOptions(argv, SPEC);
    if ('error' in parsed) {
      ctx.err(parsed.error);
      return 2;
    }
    const o = parsed.options;
    const chosen = [o.http10, o.http11, o.pipelining, o.h2].filter(Boolean).length;
    if (parsed.positionals.length !== 1 || chosen > 1) {
      ctx.err(
        'usage: browser [--http1.0 | --http1.1 | --pipelining | --h2] [--no-push] [--connections N] [--cert NAME] [--no-bars] URL',
      );
      return 2;
    }
    const node = ctx.node!;
    if (!node.service(TCP)) {
      ctx.err('browser: this node has no TCP');
      return 1;
    }
    const protocol: BrowserProtocol = o.http10
      ? 'http1.0'
      : o.pipelining
        ? 'http1.1-pipelining'
        : o.h2
          ? 'h2'
          : 'http1.1';
    const input = parsed.positionals[0]!;
    const url = breakDownUrl(input);
    if (url instanceof BrowserError) {
      ctx.err(`browser: ${input}: ${url.netError}`);
      return 1;
    }
    ctx.out(`${url.href}`);
    ctx.out(
      `  scheme ${url.scheme}, host ${url.host}` +
        (url.registrableDomain
          ? ` (subdomain '${url.subdomain}', domain ${url.registrableDomain}, public suffix ${url.publicSuffix})`
          : url.hostKind === 'domain'
            ? ' (no registrable domain)'
            : ` (an ${url.hostKind === 'ipv4' ? 'IPv4' : 'IPv6'} address)`) +
        `, port ${url.port}, path ${url.path}${url.query ? `, query ${url.query}` : ''}`,
    );
    const named =
      protocol === 'h2' && url.scheme === 'https' ? 'HTTP/2 (ALPN h2 over TLS)' : PROTOCOL_NAMES[protocol];
    ctx.out(`  ${named}, at most ${o.connections ?? 6} connections per origin`);
    const tls = node.service(NODE_TLS);
    let certificate: Credential | undefined;
    if (o.cert !== undefined) {
      certificate = tls?.clientCertificates.get(o.cert);
      if (!certificate) {
        const held = [...(tls?.clientCertificates.keys() ?? [])];
        ctx.err(
          `browser: no client certificate named '${o.cert}' on ${node.name}` +
            (held.length ? ` (it has: ${held.join(', ')})` : ' (pki.clients gives this node none)'),
        );
        return 1;
      }
      const leaf = certificate.chain[0]!;
      ctx.out(
        `  client certificate ${o.cert} (${formatNameRfc4514(leaf.subject)}, issued by ${formatNameRfc4514(leaf.issuer)}), for a site that asks`,
      );
    }
    const b = simBrowser(node, {
      protocol,
      ...(tls ? { secure: nodeSecureConnector(tls, certificate) } : {}),
      limits: { maxConnectionsPerHost: o.connections ?? 6 },
      push: !o.noPush,
      lookup: async (host) => {
        const r = await resolveHost(ctx, host);
        return 'error' in r ? r : [formatIpv4Address(r.address)];
      },
    });
    const page = await b.navigate(input);
    b.close();
    ctx.out('');
    for (const line of waterfallLines(page, { barWidth: o.noBars ? 0 : 40 })) ctx.out(line);
    if (page.error) {
      if (page.error.isCertificateError) {
        // Chromium's interstitial, in words.
        ctx.err(`browser: ${page.url?.href ?? input}: Your connection is not private`);
        ctx.err(
          `  Attackers might be trying to steal your information from ${url.host} (for example, passwords, messages, or credit cards).`,
        );
        ctx.err(`  ${page.error.netError.replace(/^net::/, 'NET::')}`);
        ctx.err(`  ${page.error.message}`);
        return 1;
      }
      if (page.error.code === 'browser-bad-ssl-client-auth-cert') {
        // Chromium's error page for it, in words.
        ctx.err(`browser: ${page.url?.href ?? input}: This site can't provide a secure connection`);
        ctx.err(`  ${url.host} didn't accept your login certificate, or one may not have been provided.`);
        ctx.err(`  ${page.error.netError.replace(/^net::/, '')}`);
        ctx.err(`  ${page.error.message}`);
        return 1;
      }
      ctx.err(`browser: ${page.url?.href ?? input}: ${page.error.netError} (${page.error.message})`);
      return 1;
    }
    return 0;
  },
};
