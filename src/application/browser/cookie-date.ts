/**
 * The cookie date format of RFC 6265 §5.1.1: the tolerant algorithm browsers use for the
 * Expires attribute, which accepts `Wed, 21 Oct 2015 07:28:00 GMT`, the obsolete RFC 850
 * `Wednesday, 21-Oct-15 07:28:00 GMT`, asctime's `Wed Oct 21 07:28:00 2015` and most
 * other orders: it tokenises on delimiters and takes the first time, day of month, month
 * and year it finds. Two-digit years 70-99 are 19xx, 00-69 are 20xx.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E */
function isDelimiter(c: number): boolean {
  return (
    c === 0x09 ||
    (c >= 0x20 && c <= 0x2f) ||
    (c >= 0x3b && c <= 0x40) ||
    (c >= 0x5b && c <= 0x60) ||
    (c >= 0x7b && c <= 0x7e)
  );
}

/** Milliseconds since the Unix epoch, or undefined when the text is not a cookie date. */
export function parseCookieDate(text: string): number | undefined {
  const tokens: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    if (isDelimiter(text.charCodeAt(i))) {
      if (cur !== '') tokens.push(cur);
      cur = '';
    } else cur += text[i];
  }
  if (cur !== '') tokens.push(cur);
  let time: [number, number, number] | undefined;
  let day: number | undefined;
  let month: number | undefined;
  let year: number | undefined;
  for (const token of tokens) {
    if (time === undefined) {
      const m = /^(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\D.*)?$/.exec(token);
      if (m) {
        time = [Number(m[1]), Number(m[2]), Number(m[3])];
        continue;
      }
    }
    if (day === undefined) {
      const m = /^(\d{1,2})(?:\D.*)?$/.exec(token);
      if (m) {
        day = Number(m[1]);
        continue;
      }
    }
    if (month === undefined && token.length >= 3) {
      const i = MONTHS.indexOf(token.slice(0, 3).toLowerCase());
      if (i >= 0) {
        month = i;
        continue;
      }
    }
    if (year === undefined) {
      const m = /^(\d{2,4})(?:\D.*)?$/.exec(token);
      if (m) year = Number(m[1]);
    }
  }
  if (time === undefined || day === undefined || month === undefined || year === undefined) return undefined;
  if (year >= 70 && year <= 99) year += 1900;
  else if (year >= 0 && year <= 69) year += 2000;
  const [h, mi, s] = time;
  if (day < 1 || day > 31 || year < 1601 || h > 23 || mi > 59 || s > 59) return undefined;
  const ms = Date.UTC(year, month, day, h, mi, s);
  // A day the month does not have (31 Feb) fails, as the RFC says.
  if (new Date(ms).getUTCDate() !== day) return undefined;
  return ms;
}
