import type { FeeAgreement, FeeCharged, FeeCheck, FeeCheckResult } from '../commands/domain/types.js';
import { NS } from '../protocol/namespaces.js';
import type { EppMessage } from '../protocol/parser.js';
import { child, childText, children, el, type Elem, type Out } from '../protocol/xml-node.js';
import { toDecimal } from '../registry/pricing.js';
import type { Session } from '../session/session.js';

/**
 * The fee-1.0 codec (RFC 8748): <fee:check> of a domain:check and <fee:create|renew|transfer|update> of the
 * transform commands → typed values; prices (minor units) → <fee:chkData> and <fee:*Data> in the TLD's
 * currency's decimals. Rendered only for sessions that selected fee-1.0 at login.
 */

const ext = (m: EppMessage, name: string): Elem | undefined => m.extensions.find((e) => e.ns === NS.fee && e.name === name);

/** <fee:check>, if sent. */
export function readFeeCheck(m: EppMessage): FeeCheck | undefined {
  const c = ext(m, 'check');
  if (!c) return undefined;
  return {
    currency: childText(c, 'currency', NS.fee),
    commands: children(c, 'command', NS.fee).map((cmd) => {
      const p = child(cmd, 'period', NS.fee);
      const text = p?.text.trim();
      return {
        name: cmd.attrs.name,
        ...(cmd.attrs.customName !== undefined && { customName: cmd.attrs.customName }),
        ...(cmd.attrs.phase !== undefined && { phase: cmd.attrs.phase }),
        ...(cmd.attrs.subphase !== undefined && { subphase: cmd.attrs.subphase }),
        ...(p && text !== undefined && { period: { value: Number(text), unit: (p.attrs.unit ?? 'y') as 'y' | 'm', text } }),
      };
    }),
  };
}

/** <fee:create|renew|transfer|update> (`verb`), if sent: the fees the client agrees to. */
export function readFeeAgreement(m: EppMessage, verb: 'create' | 'renew' | 'transfer' | 'update'): FeeAgreement | undefined {
  const e = ext(m, verb);
  if (!e) return undefined;
  return { currency: childText(e, 'currency', NS.fee), fees: children(e, 'fee', NS.fee).map((f) => f.text.trim()) };
}

const selected = (session: Session) => session.extURIs.has(NS.fee);

/** A <fee:fee> amount with its refundability (RFC 8748 §3.4: refundable and its grace period). */
function feeOut(amount: number, currency: string, graceDays: number | undefined, description?: string): Out {
  const refundable = graceDays !== undefined && graceDays > 0;
  return el('fee:fee', { ...(description && { description }), refundable: refundable ? 1 : 0, ...(refundable && { 'grace-period': `P${graceDays}D` }) }, toDecimal(amount, currency));
}

/** <fee:chkData>, when the check asked for fees and the session speaks fee-1.0. */
export function renderFeeCheck(fees: { currency: string; results: FeeCheckResult[] } | undefined, session: Session): Out[] {
  if (!fees || !selected(session)) return [];
  const cds = fees.results.map((r) =>
    el('fee:cd', { avail: r.avail ? 1 : 0 }, [
      el('fee:objID', null, r.name),
      r.class !== undefined && el('fee:class', null, r.class),
      ...r.commands.map((c) =>
        el('fee:command', { name: c.name, ...(c.customName !== undefined && { customName: c.customName }), ...(c.phase !== undefined && { phase: c.phase }), ...(c.subphase !== undefined && { subphase: c.subphase }) }, [
          c.years !== undefined && el('fee:period', { unit: 'y' }, c.years),
          c.amount !== undefined && feeOut(c.amount, fees.currency, c.graceDays),
          c.reason !== undefined && el('fee:reason', null, c.reason),
        ]),
      ),
      r.reason !== undefined && el('fee:reason', null, r.reason),
    ]),
  );
  return [el('fee:chkData', null, [el('fee:currency', null, fees.currency), ...cds])];
}

/** <fee:creData|renData|trnData|updData>: what was charged (a transfer: what its approval charges), and the balance after. */
export function renderFeeCharged(element: 'creData' | 'renData' | 'trnData' | 'updData', fee: FeeCharged | undefined, session: Session, years?: number): Out[] {
  if (!fee || !selected(session)) return [];
  return [
    el(`fee:${element}`, null, [
      el('fee:currency', null, fee.currency),
      years !== undefined && el('fee:period', { unit: 'y' }, years),
      feeOut(fee.amount, fee.currency, fee.graceDays),
      el('fee:balance', null, toDecimal(fee.balance, fee.currency)),
    ]),
  ];
}
