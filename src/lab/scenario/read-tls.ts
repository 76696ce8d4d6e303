/**
 * Reads `tls:` of a web server: HTTPS with a certificate from the lab's PKI.
 *
 *   web:
 *     - server: www
 *       tls:
 *         names: [www.example.com]     # what the certificate is for (DNS names, IPv4 addresses)
 *         issuer: Shady Private CA     # optional: default the lab's issuing CA, which every host trusts
 *         valid_from: -100d            # optional: relative to the scenario's start (default 0)
 *         valid_for: 90d               # optional: default 90d
 *         key: ec                      # optional: ec (default) or rsa
 *         redirect_http: true          # optional: also port 80, answering 301 to https://
 *         versions: [1.2]              # optional: what it accepts (read-tls-settings.ts)
 *         suites: [TLS_RSA_WITH_AES_128_GCM_SHA256]
 *         client_auth: request
 *         client_ca: Shady Private CA  # optional: whose client certificates it accepts (default the lab's issuing CA)
 *
 * `tls: true` is not enough on purpose: the names are what the browser checks, so the
 * file says them. Durations here take days (`d`) as well as s, min, h.
 */
import { parseIpv4Address } from '../../internet/ipv4-address.ts';
import { didYouMean } from './did-you-mean.ts';
import type { ProblemList } from './problem.ts';
import { LAB_CA_NAMES } from './read-pki.ts';
import { readTlsSettings, TLS_SETTING_KEYS } from './read-tls-settings.ts';
import { keyOf, readChoice, readMap, readString } from './read-values.ts';
import type { WebTlsSpec } from './spec.ts';
import { describe, type TreeNode } from './yaml-tree.ts';

const TLS_KEYS = [
  'names',
  'issuer',
  'valid_from',
  'valid_for',
  'key',
  'redirect_http',
  ...TLS_SETTING_KEYS,
  'client_ca',
] as const;
const DAY = 86_400;
/** Default validity: what public CAs issue (90 days). */
export const DEFAULT_VALID_FOR = 90 * DAY;
/** Most names on one certificate. */
export const MAX_CERTIFICATE_NAMES = 100;
/** Validity offsets and lengths are kept within 100 years. */
const MAX_SECONDS = 100 * 365 * DAY;

const UNIT_SECONDS: Record<string, number> = { s: 1, min: 60, m: 60, h: 3600, d: DAY };

/** `-100d`, `+1h`, `90d`, `3600` (seconds) → seconds, or undefined. */
export function parseSignedDuration(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.round(v) : undefined;
  const m = /^\s*([+-])?\s*(\d+(?:\.\d+)?)\s*(s|min|m|h|d)?\s*$/.exec(v);
  if (!m) return undefined;
  const n = Number(m[2]) * UNIT_SECONDS[m[3] ?? 's']!;
  return Math.round(m[1] === '-' ? -n : n);
}

/** A DNS name (labels of letters, digits, hyphens; a `*.` wildcard first) or an IPv4 address. */
function validName(name: string): boolean {
  if (parseIpv4Address(name) !== undefined) return true;
  if (name.length > 253) return false;
  const labels = name.replace(/^\*\./, '').split('.');
  return labels.every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(l));
}

export interface ReadTls {
  readonly tls: WebTlsSpec;
  readonly redirectHttp: boolean;
}

export function readTls(
  tree: TreeNode,
  path: string,
  scenarioCas: readonly string[],
  problems: ProblemList,
): ReadTls | undefined {
  if (tree.kind !== 'map') {
    problems.error(
      tree.pos,
      path,
      `tls must be a map such as {names: [www.example.com]}, got ${describe(tree)}`,
    );
    return undefined;
  }
  const keys = readMap(tree, path, 'tls', TLS_KEYS, problems);
  if (!keys) return undefined;
  const errorsBefore = problems.errorCount;
  const names: string[] = [];
  const namesEntry = keys.get('names');
  if (!namesEntry) {
    problems.error(
      tree.pos,
      path,
      "tls needs 'names': the host names the certificate is for, such as [www.example.com]",
    );
  } else {
    const v = namesEntry.value;
    const items = v.kind === 'seq' ? v.items : v.kind === 'scalar' ? [v] : undefined;
    if (!items || items.length === 0) {
      problems.error(v.pos, `${path}.names`, `names: expected a list of host names, got ${describe(v)}`);
    } else if (items.length > MAX_CERTIFICATE_NAMES) {
      problems.error(
        v.pos,
        `${path}.names`,
        `names: ${items.length} names; the limit is ${MAX_CERTIFICATE_NAMES}`,
      );
    } else {
      for (const item of items) {
        const name = readString(item, `${path}.names`, problems);
        if (name === undefined) continue;
        if (!validName(name)) {
          problems.error(
            item.pos,
            `${path}.names`,
            `names: '${name}' is neither a DNS name (such as www.example.com or *.example.com) nor an IPv4 address`,
          );
          continue;
        }
        names.push(name.toLowerCase());
      }
    }
  }
  const issuerEntry = keys.get('issuer');
  const issuerName = issuerEntry
    ? readCaName(issuerEntry.value, `${path}.issuer`, scenarioCas, problems)
    : undefined;
  const issuer = issuerName !== LAB_CA_NAMES[0] ? issuerName : undefined;
  const validity = readValidity(keys, path, problems);
  const validFrom = validity?.validFrom;
  const validFor = validity?.validFor;
  const keyEntry = keys.get('key');
  const key = keyEntry ? readChoice(keyEntry.value, `${path}.key`, problems, ['ec', 'rsa'] as const) : 'ec';
  let redirectHttp = false;
  const redirectEntry = keys.get('redirect_http');
  if (redirectEntry) {
    const v = redirectEntry.value;
    if (v.kind === 'scalar' && typeof v.value === 'boolean') redirectHttp = v.value;
    else
      problems.error(
        v.pos,
        `${path}.redirect_http`,
        `redirect_http: expected true or false, got ${describe(v)}`,
      );
  }
  const settings = readTlsSettings(keys, path, key, problems);
  const clientCaEntry = keys.get('client_ca');
  let clientCa: string | undefined;
  if (clientCaEntry) {
    clientCa = readCaName(clientCaEntry.value, `${path}.client_ca`, scenarioCas, problems);
    if (clientCa !== undefined && settings && !settings.clientAuth)
      problems.error(
        clientCaEntry.value.pos,
        `${path}.client_ca`,
        'client_ca: says whose client certificates the server accepts, so it needs client_auth: request or require',
      );
  }
  if (
    problems.errorCount > errorsBefore ||
    validFrom === undefined ||
    validFor === undefined ||
    key === undefined ||
    settings === undefined
  )
    return undefined;
  return {
    tls: {
      names,
      ...(issuer !== undefined ? { issuer } : {}),
      validFrom,
      validFor,
      key,
      ...settings,
      ...(settings.clientAuth ? { clientCa: clientCa ?? LAB_CA_NAMES[0] } : {}),
    },
    redirectHttp,
  };
}

/**
 * A CA's name (`issuer`, `client_ca`): one of the lab's (LAB_CA_NAMES) or of `pki.cas`;
 * undefined after reporting an unknown one with the names there are.
 */
export function readCaName(
  v: TreeNode,
  path: string,
  scenarioCas: readonly string[],
  problems: ProblemList,
): string | undefined {
  const name = readString(v, path, problems);
  if (name === undefined) return undefined;
  const known = [...LAB_CA_NAMES, ...scenarioCas];
  if (known.includes(name)) return name;
  problems.error(
    v.pos,
    path,
    `${keyOf(path)}: no CA named '${name}'${didYouMean(name, known) || `; the CAs are: ${known.join(', ')} (add your own under pki.cas)`}`,
  );
  return undefined;
}

/**
 * `valid_from` (relative to the scenario's start, default 0) and `valid_for` (default
 * 90 days) of a certificate; undefined after reporting a bad one.
 */
export function readValidity(
  keys: ReadonlyMap<string, { readonly value: TreeNode }>,
  path: string,
  problems: ProblemList,
): { readonly validFrom: number; readonly validFor: number } | undefined {
  const seconds = (key: 'valid_from' | 'valid_for', fallback: number, min: number): number | undefined => {
    const e = keys.get(key);
    if (!e) return fallback;
    const v = e.value;
    const raw =
      v.kind === 'scalar' && (typeof v.value === 'number' || typeof v.value === 'string')
        ? v.value
        : undefined;
    const n = raw === undefined ? undefined : parseSignedDuration(raw);
    if (n === undefined || Math.abs(n) > MAX_SECONDS || n < min) {
      problems.error(
        v.pos,
        `${path}.${key}`,
        key === 'valid_from'
          ? `${keyOf(`${path}.${key}`)}: expected a time relative to the scenario's start such as 0, -100d (expired by then if valid_for is shorter) or 30d (not yet valid), got ${describe(v)}`
          : `${keyOf(`${path}.${key}`)}: expected a positive duration such as 90d, 12h or 3600 (seconds), got ${describe(v)}`,
      );
      return undefined;
    }
    return n;
  };
  const validFrom = seconds('valid_from', 0, -MAX_SECONDS);
  const validFor = seconds('valid_for', DEFAULT_VALID_FOR, 1);
  return validFrom === undefined || validFor === undefined ? undefined : { validFrom, validFor };
}
