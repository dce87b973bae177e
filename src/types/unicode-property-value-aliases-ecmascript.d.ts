/** Unicode property value aliases as ECMAScript RegExp property escapes take them: property → (alias → canonical value). */
declare module 'unicode-property-value-aliases-ecmascript' {
  const aliases: Map<string, Map<string, string>>;
  export default aliases;
}
