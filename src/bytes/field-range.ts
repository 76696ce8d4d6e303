/**
 * The check every serializer makes of the numbers it is handed: a header field holds an
 * integer from 0 to its largest value, or the caller made a mistake (a NetlabError with
 * the serializer's code; wire input never reaches here, it is parsed, not checked).
 */
import { NetlabError } from './netlab-error.ts';

export function checkFieldRange(code: string, name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new NetlabError(code, `${name} must be an integer in 0..${max}, got ${value}`);
  }
}
