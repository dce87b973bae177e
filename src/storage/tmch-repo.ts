/**
 * The Trademark Clearinghouse's files as the registry holds them (RFC 9361), and the launch registrations
 * it must report back in LORDN files. Each list is replaced whole when a newer file is loaded.
 */

/** A loaded list's header: when the TMCH made it, when it was loaded, how many entries it holds. */
export interface TmchListInfo {
  list: 'dnl' | 'smdrl' | 'crl';
  /** The file's own creation time (the DNL's/SMDRL's first line; the CRL's thisUpdate). */
  createdAt: Date;
  loadedAt: Date;
  entries: number;
  /** The CRL's nextUpdate, when it has one. */
  nextUpdate: Date | null;
}

/** A Domain Name Label list line: a label under a trademark claim and the key its claims notice is fetched with. */
export interface DnlEntry {
  label: string;
  lookupKey: string;
  insertedAt: Date;
}

/** A sunrise or claims registration, kept for the LORDN files (it outlives the domain: a purged domain is still reported). */
export interface LaunchRegistration {
  domainId: number;
  roid: string;
  /** The domain's name (lower-case A-labels). */
  name: string;
  tld: string;
  kind: 'sunrise' | 'claims';
  registrarId: number;
  registeredAt: Date;
  /** Sunrise: the signed mark's id. */
  smdId: string | null;
  /** Claims: the notice the registrant accepted. */
  notice: { id: string; validatorId: string; notAfter: Date; acceptedAt: Date } | null;
  /** Sunrise: the signed mark's <mark:mark> element as signed (XML text), for <launch:info includeMark>. */
  markXml: string | null;
  reportedAt: Date | null;
}

export interface TmchRepo {
  /** The DNL's lookup keys of the labels that are on it. */
  claimKeys(labels: string[]): Promise<Map<string, string>>;
  /** Whether the SMD revocation list holds the signed mark `smdId`. */
  smdRevoked(smdId: string): Promise<boolean>;
  /** Whether the TMCH CRL revokes the certificate with this serial (upper-case hex, no leading zeros). */
  certRevoked(serial: string): Promise<boolean>;
  replaceDnl(entries: DnlEntry[], createdAt: Date, now: Date): Promise<void>;
  /** Adds (or updates) single DNL entries, leaving the rest of the list: the OT&E launch environment's labels. */
  addDnl(entries: DnlEntry[], now: Date): Promise<void>;
  replaceSmdrl(entries: Array<{ smdId: string; revokedAt: Date }>, createdAt: Date, now: Date): Promise<void>;
  replaceCrl(serials: Array<{ serial: string; revokedAt: Date | null }>, createdAt: Date, nextUpdate: Date | null, now: Date): Promise<void>;
  lists(): Promise<TmchListInfo[]>;
  recordLaunch(r: Omit<LaunchRegistration, 'reportedAt'>): Promise<void>;
  /** The TLD's registrations of `kind` not yet written to a LORDN file, oldest first. */
  unreported(tld: string, kind: 'sunrise' | 'claims'): Promise<LaunchRegistration[]>;
  markReported(domainIds: number[], at: Date): Promise<void>;
  /** The launch registration of a domain, if it was registered in sunrise or claims. */
  launchOf(domainId: number): Promise<LaunchRegistration | undefined>;
}
