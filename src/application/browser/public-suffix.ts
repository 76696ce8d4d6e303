/**
 * Public suffixes: the part of a host name under which anyone can register a name (`com`,
 * `co.kr`, `github.io`), so that the browser can tell the registrable domain
 * (`example.co.kr`) from its subdomain (`www`). Cookies use it to refuse `Domain=co.kr`
 * (RFC 6265 §5.3 step 5), SameSite uses it to say whether two hosts are the same site.
 *
 * The algorithm is the Public Suffix List's (publicsuffix.org/list, "Formal
 * algorithm"): the matching rule with the most labels wins, and when none matches the
 * default rule `*` makes the last label the suffix. So every top-level domain is a suffix
 * without being listed; the list only needs the multi-label ones. It is a small built-in
 * rule set, not the whole list (about 9,000 rules):
 *
 * - ICANN section: generic and country TLDs people meet in courses (listed for clarity),
 *   and the second-level registries of kr, uk, jp, au, cn, br, in, nz, za, tw, hk;
 * - private section: a few hosting suffixes (github.io, herokuapp.com, cloudfront.net,
 *   blogspot.com, vercel.app, pages.dev) where each customer's site is its own domain.
 *
 * Left out: wildcard (`*.ck`) and exception (`!www.ck`) rules, IDNA (names are compared
 * in the ASCII form the WHATWG URL parser produces), and updates to the list.
 */

/** The ICANN rules netlab knows (single-label ones are implied by the default rule; kept for reference). */
export const ICANN_SUFFIXES: readonly string[] = [
  'com',
  'net',
  'org',
  'edu',
  'gov',
  'mil',
  'int',
  'info',
  'biz',
  'io',
  'dev',
  'app',
  'kr',
  'co.kr',
  'or.kr',
  'ne.kr',
  'go.kr',
  'ac.kr',
  're.kr',
  'pe.kr',
  'hs.kr',
  'ms.kr',
  'es.kr',
  'sc.kr',
  'kg.kr',
  'mil.kr',
  'seoul.kr',
  'busan.kr',
  'uk',
  'co.uk',
  'org.uk',
  'ac.uk',
  'gov.uk',
  'ltd.uk',
  'me.uk',
  'net.uk',
  'nhs.uk',
  'plc.uk',
  'sch.uk',
  'jp',
  'co.jp',
  'ne.jp',
  'or.jp',
  'ac.jp',
  'go.jp',
  'ad.jp',
  'ed.jp',
  'gr.jp',
  'lg.jp',
  'au',
  'com.au',
  'net.au',
  'org.au',
  'edu.au',
  'gov.au',
  'cn',
  'com.cn',
  'net.cn',
  'org.cn',
  'edu.cn',
  'gov.cn',
  'br',
  'com.br',
  'net.br',
  'org.br',
  'gov.br',
  'in',
  'co.in',
  'net.in',
  'org.in',
  'ac.in',
  'gov.in',
  'nz',
  'co.nz',
  'org.nz',
  'ac.nz',
  'govt.nz',
  'za',
  'co.za',
  'org.za',
  'ac.za',
  'gov.za',
  'tw',
  'com.tw',
  'org.tw',
  'edu.tw',
  'gov.tw',
  'hk',
  'com.hk',
  'org.hk',
  'edu.hk',
  'gov.hk',
  'de',
  'fr',
  'nl',
  'eu',
  'us',
  'ca',
];

/** Private-section rules: hosting platforms where every customer gets a subdomain. */
export const PRIVATE_SUFFIXES: readonly string[] = [
  'github.io',
  'herokuapp.com',
  'cloudfront.net',
  'blogspot.com',
  'vercel.app',
  'pages.dev',
];

const RULES: ReadonlySet<string> = new Set([...ICANN_SUFFIXES, ...PRIVATE_SUFFIXES]);

export interface DomainParts {
  /** The public suffix: 'co.kr', 'com', or the last label by the default rule. */
  readonly publicSuffix: string;
  /** The suffix plus one label ('example.co.kr'); undefined when the host is itself a suffix. */
  readonly registrableDomain: string | undefined;
  /** What stands before the registrable domain ('www', 'a.b'); '' when none. */
  readonly subdomain: string;
}

/**
 * Splits a host name (lower-case ASCII, no trailing dot needed) into public suffix,
 * registrable domain and subdomain. Not for IP addresses: they have none of these.
 */
export function domainParts(host: string): DomainParts {
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  const labels = name.split('.');
  // The default rule '*': the last label.
  let suffixLabels = 1;
  for (let n = labels.length; n >= 2; n--) {
    if (RULES.has(labels.slice(-n).join('.'))) {
      suffixLabels = n;
      break;
    }
  }
  const publicSuffix = labels.slice(-suffixLabels).join('.');
  if (labels.length <= suffixLabels) return { publicSuffix, registrableDomain: undefined, subdomain: '' };
  return {
    publicSuffix,
    registrableDomain: labels.slice(-suffixLabels - 1).join('.'),
    subdomain: labels.slice(0, -suffixLabels - 1).join('.'),
  };
}

/** Whether `host` is exactly a public suffix (cookies may not be scoped to it). */
export function isPublicSuffix(host: string): boolean {
  return domainParts(host).registrableDomain === undefined;
}
