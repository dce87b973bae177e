import { periodYears } from '../../registry/periods.js';
import { PRICED_COMMANDS, priceOf, type PricedCommand } from '../../registry/pricing.js';
import type { CommandContext, ObjectCommand } from '../types.js';
import { classifyName, type NameClass } from './domain-data.js';
import { availCheckPhase, claimsCheck, phasesOf } from './launch.js';
import { describePhases, phaseRunning } from '../../registry/launch-phases.js';
import type { DomainCheck, DomainCheckData, FeeCheck, FeeCheckCommand, FeeCheckResult } from './types.js';

/**
 * <domain:check> (RFC 5731 §3.1.1): for each name, whether it can be registered now.
 *
 * Unavailable names carry a reason: the name's syntax problem (IDNA2008/LDH, shortened to fit
 * eppcom:reasonType), "TLD not served by this registry", "Not a single label under the TLD", "Script not
 * allowed in this TLD", "Reserved", "In use". Names are answered as normalised lower-case A-labels (a U-label
 * or upper-case input comes back as the A-label that would be registered); a name that cannot be normalised
 * (a syntax error) is echoed as sent. A name asked twice is answered twice.
 *
 * With <launch:check> (RFC 8334): the claims form answers <launch:chkData> (is each label on the TMCH's
 * Domain Name Label list, with its claim key) instead of availability; the availability form answers as
 * above for the phase it names. Either refuses a phase that is not running in a TLD of the names, and the
 * claims form a TLD whose claims period is not running: phaseNotRunning, claimsNotRunning (2306).
 *
 * Errors: those of the launch forms; none otherwise (schema errors are 2001 before it runs).
 */
export const domainCheck: ObjectCommand<DomainCheck, DomainCheckData> = {
  kind: 'object',
  readOnly: true,
  name: 'domain:check',
  async run(input, ctx) {
    const served = await ctx.repos.tlds.list();
    const classes = [];
    for (const name of input.names) classes.push({ input: name, c: await classifyName(ctx, name, served) });
    const taken = await ctx.repos.domains.existing(classes.flatMap(({ c }) => (c.ok ? [c.name] : [])));
    const results: DomainCheckData['results'] = classes.map(({ input, c }) => {
      if (!c.ok) return { name: c.name ?? input, available: false, reason: c.short };
      if (taken.has(c.name)) return { name: c.name, available: false, reason: 'In use' };
      return { name: c.name, available: true };
    });
    // The claims check form answers whether each label is under a trademark claim instead (RFC 8334 §3.1.1).
    if (input.launch?.type === 'claims') {
      const launch = await claimsCheck(ctx, input.launch, classes.map(({ input: asked, c }) => (c.ok ? { name: c.name, label: c.label, tld: c.tld } : { name: c.name ?? asked })));
      return { data: { results: [], launch }, object: input.names.join(',').slice(0, 255) };
    }
    if (input.launch) availCheckPhase(ctx, input.launch, classes.flatMap(({ c }) => (c.ok ? [c.tld] : [])));
    const fees = input.fee && { currency: feeCurrency(input.fee, classes), results: await Promise.all(classes.map(({ input: asked, c }) => feeCheck(ctx, asked, c, input.fee!))) };
    return { data: { results, ...(fees && { fees }) }, object: input.names.join(',').slice(0, 255) };
  },
};

/**
 * The currency of a fee answer: the TLDs' (one currency per answer, RFC 8748 §3.4). A client that asks in
 * another currency is answered in the TLD's (the server's choice the RFC allows), each name saying so
 * through its amounts' currency; names of TLDs priced in another currency than the first are unavailable.
 */
function feeCurrency(fee: FeeCheck, classes: Array<{ c: NameClass }>): string {
  const first = classes.find(({ c }) => c.ok);
  return first && first.c.ok ? first.c.tld.policy.currency : (fee.currency ?? 'USD');
}

/**
 * One name's fee answer (RFC 8748 §3.1): per command asked, the price for the period (the policy's default
 * when none is given), its refundability (the grace period), and the class; a name that cannot be
 * registered here (bad syntax, TLD not served, reserved: classifyName) is avail="0" with the reason. Prices do not depend
 * on the launch phase in this registry: a phase asked is priced as any other while it runs, and answered
 * without a fee, with a reason, when it does not.
 */
async function feeCheck(ctx: CommandContext, asked: string, c: NameClass, fee: FeeCheck): Promise<FeeCheckResult> {
  if (!c.ok) return { name: c.name ?? asked, avail: false, commands: [], reason: c.short };
  const policy = c.tld.policy;
  if (fee.currency !== undefined && fee.currency !== policy.currency) {
    return { name: c.name, avail: false, commands: [], reason: `Priced in ${policy.currency}, not ${fee.currency}` };
  }
  const premium = await ctx.repos.tlds.premium(c.tld.name, c.label);
  const commands: FeeCheckCommand[] = [];
  for (const cmd of fee.commands) {
    const base = { name: cmd.name, ...(cmd.customName !== undefined && { customName: cmd.customName }), ...(cmd.phase !== undefined && { phase: cmd.phase }), ...(cmd.subphase !== undefined && { subphase: cmd.subphase }) };
    if (!(PRICED_COMMANDS as readonly string[]).includes(cmd.name)) {
      commands.push({ ...base, amount: 0, graceDays: 0 });
      continue;
    }
    if (cmd.phase !== undefined) {
      const state = phasesOf(c.tld, ctx.now);
      if (cmd.phase === 'custom' || !phaseRunning(state, cmd.phase)) {
        commands.push({ ...base, reason: `Phase ${cmd.phase} is not running in ${c.tld.name}; running now: ${describePhases(state)}`.slice(0, 255) });
        continue;
      }
    }
    const command = cmd.name as PricedCommand;
    let years = 1;
    if (command !== 'restore') {
      const r = cmd.period ? periodYears(cmd.period.value, cmd.period.unit, policy.period) : { ok: true as const, years: policy.period.default };
      if (!r.ok) {
        commands.push({ ...base, reason: `Period refused: ${r.reason}`.slice(0, 255) });
        continue;
      }
      years = r.years;
    }
    const price = priceOf(policy, premium, command, years);
    const graceDays = command === 'create' ? policy.grace.add : command === 'restore' ? 0 : policy.grace[command];
    commands.push({ ...base, ...(command !== 'restore' && { years }), amount: price.amount, graceDays });
  }
  return { name: c.name, avail: true, class: premium ? premium.class : 'standard', commands };
}
