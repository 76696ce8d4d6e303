/**
 * Trace events of the PKI: what a certificate authority was asked for and what it issued
 * or refused, and every chain validation with the checks it made, so a timeline can show
 * "the CA signed the site's public key" and "the browser checked X, Y and Z".
 */
import type { TraceBus } from '../../sim/trace.ts';
import type { Time } from '../../sim/time.ts';
import type { ChainErrorCode, ValidationStep } from './chain-validation.ts';

/** Where PKI objects report: a Simulator satisfies it (`sim.trace`, `sim.now`). */
export interface TraceTarget {
  readonly trace: TraceBus;
  readonly now: Time;
}

export interface CertificateSummary {
  readonly subject: string;
  readonly issuer: string;
  readonly serial: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** `DNS:www.example.com`, `IP Address:10.0.0.1`. */
  readonly names: readonly string[];
  readonly key: string;
  readonly ca: boolean;
  readonly fingerprint: string;
}

declare module '../../sim/trace.ts' {
  interface TraceEventMap {
    /** A CA received a certification request (the site's name and public key). */
    'pki.request': {
      readonly ca: string;
      readonly subject: string;
      readonly names: readonly string[];
      readonly key: string;
      /** Whether the request's self-signature (proof of key possession) verified. */
      readonly proofOfPossession: boolean;
    };
    'pki.issue': { readonly ca: string; readonly certificate: CertificateSummary };
    'pki.refuse': { readonly ca: string; readonly subject: string; readonly reason: string };
    'pki.validate': {
      /** Who validated: a node name, or a label such as 'browser'. */
      readonly validator: string;
      readonly hostname?: string;
      readonly trustStore: string;
      readonly chain: readonly string[];
      readonly ok: boolean;
      readonly error?: ChainErrorCode;
      readonly steps: readonly ValidationStep[];
    };
  }
}
