/**
 * The lab's public key infrastructure, built from a scenario: the simulated Internet's
 * (WebPki: the Netlab roots and issuing CA, the browser trust store), the scenario's own
 * root CAs (`pki.cas`, each trusted only by the nodes that list it), and the certificate
 * of every HTTPS web server (`web[].tls`). Every key and serial number comes from the
 * run's seed ('pki' stream), so the same seed gives the same certificates byte for byte.
 *
 * Calendar time: simulated time 0 is the scenario's epoch (2025-01-01); the CAs date
 * from a year before it, and a site's validity is `valid_from`/`valid_for` relative to
 * the epoch, so "expired" and "not yet valid" are at simulated time.
 *
 * Client certificates (`pki.clients`) come from the same CAs with extendedKeyUsage
 * clientAuth only; a server asking for them trusts one CA for them (`clientTrust`).
 *
 * Building it costs tens of milliseconds of key generation and signing, so a network
 * without HTTPS servers or CAs of its own builds it only when a node first uses TLS.
 */
import { CertificateAuthority } from '../../application/pki/certificate-authority.ts';
import { DAY, DEFAULT_SIM_EPOCH, type UnixTime } from '../../application/pki/der-time.ts';
import { generateEcKey } from '../../application/pki/keys.ts';
import { seededRandomSource } from '../../application/pki/random-source.ts';
import { TrustStore } from '../../application/pki/trust-store.ts';
import { type SiteCredentials, WebPki } from '../../application/pki/web-pki.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import type { Simulator } from '../../sim/simulator.ts';
import type { PkiClientSpec, PkiSpec, WebTlsSpec } from '../scenario/spec.ts';

export class LabPki {
  /** Calendar time of simulated time 0. */
  readonly epoch: UnixTime = DEFAULT_SIM_EPOCH;
  private built: { web: WebPki; cas: Map<string, CertificateAuthority> } | undefined;

  constructor(
    private readonly sim: Simulator,
    private readonly spec: PkiSpec | undefined,
  ) {}

  private get parts(): { web: WebPki; cas: Map<string, CertificateAuthority> } {
    if (this.built) return this.built;
    const random = seededRandomSource(this.sim.random.fork('pki'));
    // The CAs have existed for a year when the scenario starts.
    const context = { random, now: () => this.epoch - 365 * DAY, trace: this.sim };
    const web = new WebPki(context);
    const cas = new Map<string, CertificateAuthority>([
      [web.issuingCa.label, web.issuingCa],
      [web.netlabRoot.label, web.netlabRoot],
      [web.globalRoot.label, web.globalRoot],
      [web.legacyRoot.label, web.legacyRoot],
    ]);
    for (const ca of this.spec?.cas ?? []) {
      cas.set(
        ca.name,
        CertificateAuthority.createRoot(
          { name: { commonName: ca.name }, key: generateEcKey('P-256', random) },
          context,
        ),
      );
    }
    this.built = { web, cas };
    return this.built;
  }

  /** The simulated Internet's PKI (roots, issuing CA, trust stores). */
  get web(): WebPki {
    return this.parts.web;
  }

  /** A CA by common name: the lab's four, or one of `pki.cas`. */
  ca(name: string): CertificateAuthority {
    const ca = this.parts.cas.get(name);
    if (!ca) throw new NetlabError('lab-no-such-ca', `no CA named '${name}'`);
    return ca;
  }

  /** What `node` trusts: the browser store, plus the scenario's CAs it is listed under. */
  trustFor(node: string): TrustStore {
    const mine = (this.spec?.cas ?? []).filter((c) => c.trustedBy.includes(node));
    const browser = this.web.browserTrust;
    if (mine.length === 0) return browser;
    return browser.with(
      `${browser.name}+${mine.map((c) => c.name).join('+')}`,
      ...mine.map((c) => this.ca(c.name).certificate),
    );
  }

  /**
   * A client certificate and key, as `client` describes them: subject CN=name, issued with
   * extendedKeyUsage clientAuth only (the chain is leaf then intermediates, what a client
   * sends in its Certificate message).
   */
  client(client: PkiClientSpec): SiteCredentials {
    const notBefore = this.epoch + client.validFrom;
    const key = this.web.siteKey(client.key);
    const ca = this.ca(client.issuer ?? this.web.issuingCa.label);
    const issued = ca.issueFor({ subject: { commonName: client.name }, names: [] }, key, {
      usage: 'client',
      notBefore,
      notAfter: notBefore + client.validFor,
    });
    return { chain: issued.chain, key };
  }

  /**
   * What a server with `client_auth` trusts client certificates to: the one CA named (an
   * intermediate such as the lab's issuing CA is a trust anchor of its own here, as
   * nginx's `ssl_client_certificate` with a partial chain).
   */
  clientTrust(caName: string): TrustStore {
    return new TrustStore(`client CA ${caName}`, [this.ca(caName).certificate]);
  }

  /** A web server's certificate chain and key, as `tls` describes them. */
  site(tls: WebTlsSpec): SiteCredentials {
    const notBefore = this.epoch + tls.validFrom;
    return this.web.issueSite(tls.names, {
      key: tls.key,
      ...(tls.issuer !== undefined ? { ca: this.ca(tls.issuer) } : {}),
      notBefore,
      notAfter: notBefore + tls.validFor,
    });
  }
}
