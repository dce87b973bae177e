import { el } from '../../protocol/xml-node.js';
import { priceOf, toDecimal, toMinor, type Price, type PricedCommand } from '../../registry/pricing.js';
import type { TldPolicy } from '../../registry/policy.js';
import { charge } from '../../registry/lifecycle.js';
import { condition } from '../conditions.js';
import type { CommandContext } from '../types.js';
import type { FeeAgreement, FeeCharged } from './types.js';

/**
 * Fees of the transform commands (RFC 8748 §3.8, §5.2): the price comes from src/registry/pricing.ts (the
 * one source billing also uses); a fee the client sends must cover it, in the TLD's currency, and a premium
 * name is charged only with the client's agreement. Nothing is charged or changed when any of this fails.
 */

/** 2004: the client's fee is below the price (or not an amount of the currency). */
export const feeMismatch = condition('feeMismatch', 2004, (command: string, name: string, price: string, agreed: string) => ({
  msg: `Fee mismatch: the ${command} of ${name} costs ${price}; the fee sent is ${agreed}`,
  value: el('fee:fee', null, agreed.split(' ')[0]),
}));

/** 2004: the client's currency is not the TLD's. */
export const feeCurrencyMismatch = condition('feeCurrencyMismatch', 2004, (name: string, sent: string, currency: string) => ({
  msg: `Fee currency ${sent} refused: ${name} is priced in ${currency}`,
  value: el('fee:currency', null, sent),
}));

/** 2004: a premium name without the client's agreement to its fee (RFC 8748 §3.8). */
export const premiumFeeRequired = condition('premiumFeeRequired', 2004, (command: string, name: string, cls: string, price: string) => ({
  msg: `${name} is a premium name (class ${cls}): its ${command} costs ${price}; send the fee extension with that amount to agree to it`,
  value: el('domain:name', null, name),
}));

/** The price of `command` on `name` (a domain of the TLD with `policy`), premium list included. */
export async function priceFor(ctx: CommandContext, policy: TldPolicy, tld: string, name: string, command: PricedCommand, years: number): Promise<Price> {
  const label = name.slice(0, name.length - tld.length - 1);
  return priceOf(policy, await ctx.repos.tlds.premium(tld, label), command, years);
}

/**
 * Checks the client's agreement against the price, before anything is written: 2004 when the fee sent is
 * below it, in another currency or not an amount of the currency, or when a premium name comes without one.
 */
export function agreePrice(price: Price, policy: TldPolicy, command: PricedCommand, name: string, fee: FeeAgreement | undefined): void {
  const currency = policy.currency;
  const shown = `${toDecimal(price.amount, currency)} ${currency}`;
  if (fee) {
    if (fee.currency !== undefined && fee.currency !== currency) throw feeCurrencyMismatch(name, fee.currency, currency);
    let agreed = 0;
    for (const f of fee.fees) {
      const minor = toMinor(f, currency);
      if (minor === undefined) throw feeMismatch(command, name, shown, `${f} ${currency}`);
      agreed += minor;
    }
    if (agreed < price.amount) throw feeMismatch(command, name, shown, `${toDecimal(agreed, currency)} ${currency}`);
  } else if (price.premium) {
    throw premiumFeeRequired(command, name, price.class, shown);
  }
}

/** Debits the price (2104 when the balance does not cover it) and says what was charged. */
export async function chargePrice(ctx: CommandContext, policy: TldPolicy, price: Price, kind: PricedCommand, name: string, graceDays: number): Promise<FeeCharged> {
  await charge(ctx.repos, ctx.registrar.id, price.amount, kind, name, ctx.now);
  return { currency: policy.currency, amount: price.amount, balance: await ctx.repos.billing.balance(ctx.registrar.id), graceDays };
}
