import type { RegistrarAddress } from '../storage/core-repos.js';
import { normalizeCountry } from './contact-rules.js';

/**
 * A registrar's postal address, checked as RFC 5733 checks a contact's (1 to 3 street lines and a city of 1 to
 * 255 characters, state/province up to 255, postal code up to 16, an ISO 3166-1 alpha-2 country code): the
 * address with its country code upper-cased, or the reason it is refused, naming the value.
 */
export function checkRegistrarAddress(a: RegistrarAddress): { ok: true; address: RegistrarAddress } | { ok: false; reason: string } {
  const bad = (reason: string) => ({ ok: false as const, reason });
  const text = (v: string, max: number) => v.trim() === v && v.length >= 1 && v.length <= max && !/[\u0000-\u001f\u007f]/.test(v);
  if (!Array.isArray(a.street) || a.street.length < 1 || a.street.length > 3) return bad('a registrar address has 1 to 3 street lines (--street)');
  for (const line of a.street) if (!text(line, 255)) return bad(`street line ${JSON.stringify(line)} must be 1 to 255 characters, without control characters or surrounding spaces`);
  if (!a.city || !text(a.city, 255)) return bad(`city ${JSON.stringify(a.city ?? '')} must be 1 to 255 characters (--city)`);
  if (a.sp !== null && !text(a.sp, 255)) return bad(`state/province ${JSON.stringify(a.sp)} must be 1 to 255 characters (--sp)`);
  if (a.pc !== null && !text(a.pc, 16)) return bad(`postal code ${JSON.stringify(a.pc)} must be 1 to 16 characters (--pc)`);
  if (!a.cc) return bad('a registrar address needs its country code (--cc)');
  const cc = normalizeCountry(a.cc);
  if (!cc.ok) return bad(cc.problem.reason);
  return { ok: true, address: { street: a.street, city: a.city, sp: a.sp, pc: a.pc, cc: cc.cc } };
}
