/** Repository of contact objects: filled in with the contact commands. */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface ContactRepo {}
