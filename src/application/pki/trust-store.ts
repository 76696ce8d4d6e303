/**
 * A trust store: the root certificates a browser or an operating system ships and trusts
 * without proof ("the CA keys the browser already has"). Chain validation ends at one of
 * them or fails with unknown-ca. Each simulated client carries its own store, so a lab can
 * show one browser trusting a site another one refuses.
 */
import type { Certificate } from './certificate.ts';
import { bytesEqual } from '../../bytes/equal.ts';
import { namesMatch } from './name.ts';

/** Largest store accepted (real ones hold about 150 roots). */
export const TRUST_STORE_MAX_ROOTS = 1000;

export class TrustStore {
  readonly roots: readonly Certificate[];

  constructor(
    /** Shown in traces and errors: 'netlab-browser', 'system', 'ca.crt'. */
    readonly name: string,
    roots: readonly Certificate[],
  ) {
    if (roots.length > TRUST_STORE_MAX_ROOTS)
      throw new RangeError(`more than ${TRUST_STORE_MAX_ROOTS} roots`);
    this.roots = [...roots];
  }

  /** Whether this exact certificate is trusted. */
  contains(cert: Certificate): boolean {
    return this.roots.some((r) => bytesEqual(r.der, cert.der));
  }

  /** Roots whose subject is the certificate's issuer (and whose key id matches, when both say). */
  issuersOf(cert: Certificate): Certificate[] {
    return this.roots.filter(
      (r) =>
        namesMatch(r.subject, cert.issuer) &&
        !(cert.authorityKeyId && r.subjectKeyId && !bytesEqual(cert.authorityKeyId, r.subjectKeyId)),
    );
  }

  /** A store with more roots. */
  with(name: string, ...roots: readonly Certificate[]): TrustStore {
    return new TrustStore(name, [...this.roots, ...roots.filter((r) => !this.contains(r))]);
  }

  /** A store without some roots (a distrusted CA). */
  without(name: string, ...roots: readonly Certificate[]): TrustStore {
    return new TrustStore(
      name,
      this.roots.filter((r) => !roots.some((x) => bytesEqual(x.der, r.der))),
    );
  }
}
