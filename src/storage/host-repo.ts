/** Repository of host objects: filled in with the host commands. */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface HostRepo {}
