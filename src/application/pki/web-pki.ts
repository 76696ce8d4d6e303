/**
 * The simulated Internet's public key infrastructure: a few root CAs, the intermediate
 * CA that issues site certificates, and the trust stores simulated browsers and operating
 * systems ship. Everything comes from the run's random source, so the same seed gives the
 * same keys, serial numbers and certificates.
 *
 * - "Netlab Root CA" (ECDSA P-256) and its intermediate "Netlab TLS Issuing CA 1"
 *   (pathlen 0): what sites get their certificates from;
 * - "Simulated Global Trust Root R2" (RSA-2048, a fixed key): a second public root;
 * - "Netlab Legacy Root" (ECDSA): trusted only by the OS store, not by the browser.
 * The browser store trusts the first two, the OS store all three.
 */
import { type CaContext, CertificateAuthority, type IssueOptions } from './certificate-authority.ts';
import type { Certificate } from './certificate.ts';
import { generateEcKey, type PrivateKey } from './keys.ts';
import type { NameFields } from './name.ts';
import { sampleRsaKey } from './sample-rsa-keys.ts';
import { TrustStore } from './trust-store.ts';

export interface SiteCredentials {
  /** Leaf first, then the intermediate (what a server sends). */
  readonly chain: readonly Certificate[];
  readonly key: PrivateKey;
}

export interface SiteOptions extends IssueOptions {
  /** 'ec' (P-256, default) or 'rsa' (a fixed RSA-2048 key), or a key of the site's own. */
  readonly key?: 'ec' | 'rsa' | PrivateKey;
  /** Which CA signs (default: the Netlab issuing CA). */
  readonly ca?: CertificateAuthority;
  readonly subject?: NameFields;
}

export class WebPki {
  readonly netlabRoot: CertificateAuthority;
  readonly issuingCa: CertificateAuthority;
  readonly globalRoot: CertificateAuthority;
  readonly legacyRoot: CertificateAuthority;
  /** What a simulated browser trusts. */
  readonly browserTrust: TrustStore;
  /** What a simulated operating system trusts (curl, dig over TLS...). */
  readonly systemTrust: TrustStore;
  private rsaKeysUsed = 1;

  constructor(private readonly context: CaContext) {
    const ec = () => generateEcKey('P-256', context.random);
    this.netlabRoot = CertificateAuthority.createRoot(
      {
        name: { country: 'KR', organization: 'Netlab Trust Services', commonName: 'Netlab Root CA' },
        key: ec(),
      },
      context,
    );
    this.issuingCa = this.netlabRoot.createIntermediate({
      name: { country: 'KR', organization: 'Netlab Trust Services', commonName: 'Netlab TLS Issuing CA 1' },
      key: ec(),
      pathLength: 0,
    });
    this.globalRoot = CertificateAuthority.createRoot(
      {
        name: {
          country: 'US',
          organization: 'Simulated Global Trust',
          commonName: 'Simulated Global Trust Root R2',
        },
        key: sampleRsaKey(0),
      },
      context,
    );
    this.legacyRoot = CertificateAuthority.createRoot(
      { name: { organization: 'Netlab Legacy', commonName: 'Netlab Legacy Root' }, key: ec() },
      context,
    );
    this.browserTrust = new TrustStore('netlab-browser', [
      this.netlabRoot.certificate,
      this.globalRoot.certificate,
    ]);
    this.systemTrust = new TrustStore('netlab-system', [
      this.netlabRoot.certificate,
      this.globalRoot.certificate,
      this.legacyRoot.certificate,
    ]);
  }

  /** A key for a site: fresh P-256 from the seed, or the next fixed RSA key. */
  siteKey(kind: 'ec' | 'rsa' = 'ec'): PrivateKey {
    return kind === 'ec' ? generateEcKey('P-256', this.context.random) : sampleRsaKey(this.rsaKeysUsed++);
  }

  /** Certificate and key for a site serving `names` (DNS names and IP addresses). */
  issueSite(names: readonly string[], options: SiteOptions = {}): SiteCredentials {
    const key = typeof options.key === 'object' ? options.key : this.siteKey(options.key);
    const ca = options.ca ?? this.issuingCa;
    const subject = options.subject ?? { commonName: names[0] ?? 'site' };
    const issued = ca.issueFor({ subject, names }, key, options);
    return { chain: issued.chain, key };
  }

  /** A CA no store trusts: what a private or attacker's CA looks like to a browser. */
  untrustedCa(commonName = 'Untrusted Private CA'): CertificateAuthority {
    return CertificateAuthority.createRoot(
      { name: { commonName }, key: generateEcKey('P-256', this.context.random) },
      this.context,
    );
  }
}
