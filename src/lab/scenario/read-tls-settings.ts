/**
 * Reads what a web server's TLS accepts, beyond its certificate (`web[].tls`, read-tls.ts):
 *
 *   tls:
 *     names: [legacy.example.com]
 *     key: rsa
 *     versions: [1.2]                                  # optional: default [1.2, 1.3]
 *     suites: [TLS_RSA_WITH_AES_128_GCM_SHA256]        # optional: default every suite netlab implements
 *     client_auth: request                             # optional: request or require a client certificate
 *
 * Suites are IANA's names (what Wireshark and the RFCs print), in the server's order of
 * preference: the server picks the first of its own list that the client offered
 * (RFC 5246 §7.4.1.3 leaves the choice to the server; nginx's `ssl_prefer_server_ciphers
 * on`). A list with no suite the client offers is the handshake_failure of RFC 5246
 * §7.4.1.3 / RFC 8446 §4.1.1.
 *
 * The checks catch a server that could never use what it lists: a TLS 1.2 suite whose
 * authentication does not fit the certificate's key (ECDSA suites need `key: ec`, RSA ones
 * `key: rsa`), and a version with no suite of its own (TLS 1.3 suites are only TLS 1.3's,
 * RFC 8446 §B.4; the others only TLS 1.2's).
 */
import {
  CIPHER_SUITES,
  type CipherSuite,
  type CipherSuiteName,
  suiteByName,
} from '../../application/tls/cipher-suites.ts';
import { didYouMean } from './did-you-mean.ts';
import type { ProblemList } from './problem.ts';
import { readChoice } from './read-values.ts';
import type { WebTlsSpec } from './spec.ts';
import { describe, type TreeEntry, type TreeNode } from './yaml-tree.ts';

export const TLS_SETTING_KEYS = ['versions', 'suites', 'client_auth'] as const;

type Settings = Pick<WebTlsSpec, 'versions' | 'suites' | 'clientAuth'>;

const IANA_NAMES = CIPHER_SUITES.map((s) => s.name);

function itemsOf(v: TreeNode): readonly TreeNode[] | undefined {
  return v.kind === 'seq' ? v.items : v.kind === 'scalar' && v.value !== null ? [v] : undefined;
}

function described(v: TreeNode): string {
  return v.kind === 'seq' && v.items.length === 0 ? 'an empty list' : describe(v);
}

function readVersions(entry: TreeEntry, path: string, problems: ProblemList): ('1.2' | '1.3')[] | undefined {
  const items = itemsOf(entry.value);
  if (!items || items.length === 0) {
    problems.error(
      entry.value.pos,
      path,
      `versions: expected a list of TLS versions such as [1.2, 1.3], got ${described(entry.value)}`,
    );
    return undefined;
  }
  const found = new Set<'1.2' | '1.3'>();
  let ok = true;
  for (const item of items) {
    // YAML reads 1.2 as a number and "1.2" or TLSv1.2 as text: all mean the same.
    const raw = item.kind === 'scalar' ? String(item.value).replace(/^TLSv?\s*/i, '') : undefined;
    const v = raw === '1.2' || raw === '1.3' ? raw : undefined;
    if (v === undefined) {
      ok = false;
      problems.error(
        item.pos,
        path,
        raw === '1' || raw === '1.0' || raw === '1.1'
          ? `versions: TLS ${raw === '1' ? '1.0' : raw} is not spoken here (RFC 8996 deprecates TLS 1.0 and 1.1); use 1.2 and 1.3`
          : `versions: expected 1.2 or 1.3, got ${describe(item)}`,
      );
      continue;
    }
    found.add(v);
  }
  if (!ok) return undefined;
  // Newest first, as netlab lists them; order does not matter (the newest in common wins).
  return (['1.3', '1.2'] as const).filter((v) => found.has(v));
}

function readSuites(entry: TreeEntry, path: string, problems: ProblemList): CipherSuite[] | undefined {
  const items = itemsOf(entry.value);
  if (!items || items.length === 0) {
    problems.error(
      entry.value.pos,
      path,
      `suites: expected a list of cipher suites such as [TLS_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256], got ${described(entry.value)}`,
    );
    return undefined;
  }
  const out: CipherSuite[] = [];
  let ok = true;
  for (const item of items) {
    const name = item.kind === 'scalar' && typeof item.value === 'string' ? item.value : undefined;
    const suite = name === undefined ? undefined : suiteByName(name);
    if (suite && suite.name === name) {
      if (!out.includes(suite)) out.push(suite);
      continue;
    }
    ok = false;
    if (suite) {
      problems.error(
        item.pos,
        path,
        `suites: '${name}' is OpenSSL's name; write IANA's, ${suite.name} (what Wireshark and the RFCs print)`,
      );
    } else {
      const upper = name?.toUpperCase();
      const exact = upper === undefined ? undefined : IANA_NAMES.find((n) => n === upper);
      problems.error(
        item.pos,
        path,
        name === undefined
          ? `suites: expected a cipher suite name, got ${describe(item)}`
          : exact
            ? `suites: cipher suite names are upper case: ${exact}`
            : `suites: netlab has no cipher suite '${name}'${didYouMean(name, IANA_NAMES) || `; it implements: ${IANA_NAMES.join(', ')}`}`,
      );
    }
  }
  return ok ? out : undefined;
}

/**
 * `versions`, `suites` and `client_auth` of a `tls:` map whose `key` (the certificate's)
 * is known; undefined after reporting problems.
 */
export function readTlsSettings(
  keys: ReadonlyMap<string, TreeEntry>,
  path: string,
  key: 'ec' | 'rsa' | undefined,
  problems: ProblemList,
): Settings | undefined {
  const errorsBefore = problems.errorCount;
  const versionsEntry = keys.get('versions');
  const versions = versionsEntry ? readVersions(versionsEntry, `${path}.versions`, problems) : undefined;
  const suitesEntry = keys.get('suites');
  const suites = suitesEntry ? readSuites(suitesEntry, `${path}.suites`, problems) : undefined;
  const authEntry = keys.get('client_auth');
  const clientAuth = authEntry
    ? readChoice(authEntry.value, `${path}.client_auth`, problems, ['request', 'require'] as const)
    : undefined;
  if (problems.errorCount > errorsBefore) return undefined;

  if (suites && key) {
    const needed = key === 'ec' ? 'ecdsa' : 'rsa';
    for (const [i, s] of suites.entries()) {
      if (s.version === '1.3' || s.auth === needed) continue;
      problems.error(
        itemsOf(suitesEntry!.value)![i]!.pos,
        `${path}.suites`,
        `suites: ${s.name} needs ${s.auth === 'ecdsa' ? 'an ECDSA certificate (key: ec)' : 'an RSA certificate (key: rsa)'}, and this server's key is ${key}`,
      );
    }
  }
  const effective = versions ?? ['1.3', '1.2'];
  if (suites) {
    for (const v of effective) {
      if (suites.some((s) => s.version === v)) continue;
      const example = v === '1.3' ? 'TLS_AES_128_GCM_SHA256' : 'a TLS 1.2 suite';
      problems.error(
        (versionsEntry ?? suitesEntry!).value.pos,
        `${path}.${versionsEntry ? 'versions' : 'suites'}`,
        `${versionsEntry ? 'versions' : 'suites'}: the server speaks TLS ${v} but lists no TLS ${v} suite, so every TLS ${v} handshake would fail; add ${example} to suites, or leave ${v} out of versions`,
      );
    }
  }
  if (problems.errorCount > errorsBefore) return undefined;
  return {
    ...(versions ? { versions } : {}),
    ...(suites ? { suites: suites.map((s) => s.name as CipherSuiteName) } : {}),
    ...(clientAuth ? { clientAuth } : {}),
  };
}
