/**
 * The two small tree shapes the protocol layer uses.
 *
 * `Elem` is an inbound element after parsing and schema validation: namespace URI + local name, so that
 * every lookup is by namespace, never by prefix (clients rebind `contact:` to the TCI namespace).
 * `Out` is an outbound element that handlers return; the response builder serialises it. Handlers never
 * write XML strings.
 */
export interface Elem {
  ns: string;
  name: string;
  attrs: Record<string, string>;
  children: Elem[];
  /** Concatenated text content of the element (whitespace as sent). */
  text: string;
}

/** First child with this local name in namespace `ns` (the parent's namespace when omitted). */
export function child(el: Elem | undefined, name: string, ns?: string): Elem | undefined {
  if (!el) return undefined;
  const want = ns ?? el.ns;
  return el.children.find((c) => c.name === name && c.ns === want);
}

export function children(el: Elem | undefined, name: string, ns?: string): Elem[] {
  if (!el) return [];
  const want = ns ?? el.ns;
  return el.children.filter((c) => c.name === name && c.ns === want);
}

/** Trimmed text of a child element, or undefined when the child is absent. */
export function childText(el: Elem | undefined, name: string, ns?: string): string | undefined {
  const c = child(el, name, ns);
  return c === undefined ? undefined : c.text.trim();
}

export interface Out {
  /** Qualified name as it will be written, e.g. `domain:name`. */
  name: string;
  attrs?: Record<string, string | number | undefined>;
  children?: Array<Out | undefined | false | null>;
  text?: string | number;
}

/** Build an outbound element: `el('domain:name', {avail: 1}, 'example.tatar')`. */
export function el(
  name: string,
  attrs?: Out['attrs'] | null,
  content?: string | number | Array<Out | undefined | false | null>,
): Out {
  const out: Out = { name };
  if (attrs) out.attrs = attrs;
  if (Array.isArray(content)) out.children = content;
  else if (content !== undefined) out.text = content;
  return out;
}
