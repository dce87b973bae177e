/** Repository of domain objects: filled in with the domain commands. */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface DomainRepo {}
