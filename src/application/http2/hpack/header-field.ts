/**
 * A header field as HPACK and HTTP/2 carry it: a name and a value, both octet strings.
 *
 * netlab holds them as JS strings with one character per octet (ISO-8859-1, the way the
 * Fetch standard's ByteString and Node's http2 module hold them), so every octet sequence
 * round-trips exactly and ASCII, by far the common case, reads naturally. Characters
 * above U+00FF cannot be represented and are refused by the encoder.
 */

export interface HeaderField {
  readonly name: string;
  readonly value: string;
  /**
   * Never index this field (RFC 7541 §6.2.3, §7.1.3): a secret such as a short cookie or
   * an authorization value that must not enter a compression context, and that
   * intermediaries must forward with the same representation. The decoder sets it for
   * fields it received as "never indexed".
   */
  readonly sensitive?: boolean;
}

/** The size of an entry in the dynamic table and in SETTINGS_MAX_HEADER_LIST_SIZE (RFC 7541 §4.1). */
export const ENTRY_OVERHEAD = 32;

/** RFC 7541 §4.1: the octet lengths of name and value plus 32. */
export function fieldSize(name: string, value: string): number {
  return name.length + value.length + ENTRY_OVERHEAD;
}
