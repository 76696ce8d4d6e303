/**
 * HTTP/2 error codes, RFC 9113 §7, as carried by RST_STREAM and GOAWAY. Unknown codes
 * received from a peer must not trigger special behaviour (§7); `errorCodeName` prints
 * them as hex.
 */

export const ErrorCode = {
  NO_ERROR: 0x0,
  PROTOCOL_ERROR: 0x1,
  INTERNAL_ERROR: 0x2,
  FLOW_CONTROL_ERROR: 0x3,
  SETTINGS_TIMEOUT: 0x4,
  STREAM_CLOSED: 0x5,
  FRAME_SIZE_ERROR: 0x6,
  REFUSED_STREAM: 0x7,
  CANCEL: 0x8,
  COMPRESSION_ERROR: 0x9,
  CONNECT_ERROR: 0xa,
  ENHANCE_YOUR_CALM: 0xb,
  INADEQUATE_SECURITY: 0xc,
  HTTP_1_1_REQUIRED: 0xd,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;

const NAMES = new Map<number, ErrorCodeName>(
  (Object.entries(ErrorCode) as [ErrorCodeName, number][]).map(([name, code]) => [code, name]),
);

/** `PROTOCOL_ERROR`, or `0x1f` for a code RFC 9113 does not define. */
export function errorCodeName(code: number): string {
  return NAMES.get(code) ?? `0x${code.toString(16)}`;
}
