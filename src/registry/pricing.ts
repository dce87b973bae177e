import type { TldPolicy } from './policy.js';

/**
 * The one price source: what billing debits and what fee-1.0 (RFC 8748) answers come from the same
 * function, so a price shown is the price charged. Amounts are in the currency's minor units.
 */

/** The commands that cost money. */
export type PricedCommand = 'create' | 'renew' | 'transfer' | 'restore';
export const PRICED_COMMANDS: readonly PricedCommand[] = ['create', 'renew', 'transfer', 'restore'];

/** A premium name of a TLD: its class and its own price per command (create/renew/transfer a year, restore once). */
export interface PremiumName {
  label: string;
  class: string;
  prices: Record<PricedCommand, number>;
}

export interface Price {
  /** Minor units, for the whole period. */
  amount: number;
  /** `standard`, or the premium list's class (e.g. `premium`, `platinum`). */
  class: string;
  premium: boolean;
}

/** The price of a command on a name: the premium list's when the name is on it, the TLD's otherwise. */
export function priceOf(policy: TldPolicy, premium: PremiumName | undefined, command: PricedCommand, years: number): Price {
  const perUnit = premium ? premium.prices[command] : policy.prices[command];
  // A restore is charged once, whatever the period; the others per year.
  const amount = command === 'restore' ? perUnit : perUnit * years;
  return { amount, class: premium ? premium.class : 'standard', premium: !!premium };
}

/** Minor-unit digits of an ISO 4217 currency (USD 2, JPY 0, BHD 3), as the platform's ICU data has them. */
export function currencyDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Minor units → the decimal an EPP client reads (1234 USD → "12.34"). */
export function toDecimal(minor: number, currency: string): string {
  const d = currencyDigits(currency);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  if (d === 0) return `${sign}${abs}`;
  const s = String(abs).padStart(d + 1, '0');
  return `${sign}${s.slice(0, -d)}.${s.slice(-d)}`;
}

/**
 * A client's decimal amount → minor units; undefined when it is not an amount of the currency (more decimals
 * than its minor unit has, which no price can equal).
 */
export function toMinor(decimal: string, currency: string): number | undefined {
  const m = /^\s*(\d+)(?:\.(\d*))?\s*$/.exec(decimal);
  if (!m) return undefined;
  const d = currencyDigits(currency);
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > d) return undefined;
  return Number(m[1]) * 10 ** d + Number(frac.padEnd(d, '0') || '0');
}

/**
 * A premium list line `label,class,create,renew,transfer,restore` (minor units): the entry, or the problem
 * (the caller names the line). Labels are one LDH label (an IDN as its A-label), lower-cased.
 */
export function parsePremiumLine(line: string): PremiumName | string {
  const cells = line.split(',').map((c) => c.trim());
  if (cells.length !== 6) return `expected 6 fields (label,class,create,renew,transfer,restore), got ${cells.length}`;
  const [labelText, cls, ...amounts] = cells;
  const label = labelText.toLowerCase();
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label) || /^..--/.test(label) && !label.startsWith('xn--')) return `label ${JSON.stringify(labelText)} is not one LDH label (an IDN as its A-label)`;
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/.test(cls) || cls === 'standard') return `class ${JSON.stringify(cls)} must be 1-32 letters, digits, '-' or '_', and not "standard"`;
  const prices = {} as Record<PricedCommand, number>;
  for (const [i, cmd] of PRICED_COMMANDS.entries()) {
    if (!/^[0-9]{1,12}$/.test(amounts[i])) return `${cmd} price ${JSON.stringify(amounts[i])} is not a whole number of minor units`;
    prices[cmd] = Number(amounts[i]);
  }
  return { label, class: cls, prices };
}
