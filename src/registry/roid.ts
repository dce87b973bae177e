/** Repository object identifiers (RFC 5730 roidType `(\w|_){1,80}-\w{1,8}`): kind letter + row id + repository suffix. */
export function roid(kind: 'D' | 'C' | 'H', id: number, suffix: string): string {
  return `${kind}${id}-${suffix}`;
}
