/** Operator maintenance (not reachable from EPP): clearing an OT&E environment for a new run. */
export interface MaintenanceRepo {
  /**
   * Deletes every domain the given registrars sponsor in `tld`, with their subordinate hosts, then the
   * registrars' contacts and hosts that no remaining domain references (contacts and external hosts belong
   * to no TLD), and the registrars' poll messages; rows that hang off domains go with them (ON DELETE
   * CASCADE). Refuses (throws), changing nothing, when a subordinate host to be deleted is a nameserver of a
   * domain that is not being deleted (another registrar's or another TLD's).
   */
  clearEnvironmentObjects(tld: string, registrarIds: number[]): Promise<{ domains: number; hosts: number; contacts: number }>;
}
