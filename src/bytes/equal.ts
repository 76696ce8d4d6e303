/**
 * Byte-string equality, for the places that compare what is on the wire with what it must
 * be (a Finished, a downgrade sentinel, a DER name, a MAC address in a packet).
 */

/** Whether `a` and `b` hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
