/**
 * Registration periods and expiry arithmetic (RFC 5731 §2.5, domain:period).
 *
 * Expiry dates move by whole calendar years in UTC, keeping the day and the time of day: a domain created
 * 2025-03-14T09:26:53.5Z for 2 years expires 2027-03-14T09:26:53.5Z. February 29 becomes February 28 in a
 * year that is not a leap year (the registration never runs past the anniversary).
 *
 * Months: policy periods are in years, so `unit="m"` is accepted only for a whole number of years
 * (12, 24, ...); anything else is a range error (2004).
 */

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** The same instant `years` calendar years later (or earlier for negative years), Feb 29 → Feb 28. */
export function addYears(d: Date, years: number): Date {
  const y = d.getUTCFullYear() + years;
  const month = d.getUTCMonth();
  let day = d.getUTCDate();
  if (month === 1 && day === 29 && !isLeapYear(y)) day = 28;
  return new Date(Date.UTC(y, month, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
}

/** The UTC date part, `YYYY-MM-DD` (RFC 5731 curExpDate). */
export function utcDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export type PeriodResult = { ok: true; years: number } | { ok: false; reason: string };

/**
 * A period as sent (`value` and `unit` "y" or "m"), in years, checked against the policy's min/max.
 * Returns the reason text for a 2004 when it is not acceptable.
 */
export function periodYears(value: number, unit: string, range: { min: number; max: number }): PeriodResult {
  if (!Number.isInteger(value) || value < 1) return { ok: false, reason: `period ${value} is not a positive whole number` };
  let years: number;
  if (unit === 'y') years = value;
  else if (unit === 'm') {
    if (value % 12 !== 0) return { ok: false, reason: `a period of ${value} months is not a whole number of years; periods are in years` };
    years = value / 12;
  } else return { ok: false, reason: `period unit ${unit} is neither y nor m` };
  if (years < range.min || years > range.max) {
    return { ok: false, reason: `period of ${years} year(s) is outside the allowed ${range.min}..${range.max} years` };
  }
  return { ok: true, years };
}

/** Whether an expiry lies further than `maxYears` years from `now` (the longest registration allowed). */
export function beyondMaxRegistration(expiry: Date, now: Date, maxYears: number): boolean {
  return expiry.getTime() > addYears(now, maxYears).getTime();
}
