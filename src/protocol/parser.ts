import { ParseOption, type XsdValidator } from 'libxml2-wasm';
// libxml2-wasm's own readers of libxml2's structs (xmlNode, xmlAttr, xmlNs): walking the tree through them
// reads WebAssembly memory directly instead of making a wrapper object per node (see `toElem`). Not part of
// its documented API, hence the version pinned by package-lock.json and the parser tests.
import { XmlNamedNodeStruct, XmlNodeStruct, XmlNodeType, XmlNsStruct, xmlDocGetRootElement, xmlNodeGetContent } from 'libxml2-wasm/lib/libxml2.mjs';
import { EppError } from './errors.js';
import { LibxmlContexts, type LibxmlDiagnostic } from './libxml-contexts.js';
import { NS } from './namespaces.js';
import type { Elem } from './xml-node.js';

/** One inbound EPP document, parsed and schema-valid. */
export interface EppMessage {
  kind: 'hello' | 'command';
  /** <command> element (commands only). */
  command?: Elem;
  /** The command verb: login, logout, check, info, create, update, delete, renew, transfer, poll. */
  verb?: string;
  verbEl?: Elem;
  /** The object element inside the verb (e.g. <domain:check>), when the verb has one. */
  object?: Elem;
  /** Children of <extension>, each to be dispatched by its namespace URI. */
  extensions: Elem[];
  clTRID?: string;
}

export type ParseResult = { ok: true; message: EppMessage } | { ok: false; error: EppError; clTRID?: string };

/**
 * Parse options for untrusted input: no network, no external entities, no entity substitution, no DTD
 * loading. DOCTYPEs are refused before libxml2 sees the document (EPP has no use for them), which also
 * rules out internal-subset entity expansion (billion laughs, quadratic blow-up).
 */
const PARSE_OPTIONS = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE | ParseOption.XML_PARSE_NOBLANKS;

const DOCTYPE = Buffer.from('<!DOCTYPE');

export class EppParser {
  private readonly libxml: LibxmlContexts;

  constructor(
    validator: XsdValidator,
    /** Extension namespaces the server implements (others get 2103 before validation). */
    private readonly knownExtensions: ReadonlySet<string>,
  ) {
    this.libxml = new LibxmlContexts(validator);
  }

  /** Frees libxml2's contexts; before the validator they were made from is disposed. */
  dispose(): void {
    this.libxml.dispose();
  }

  parse(bytes: Uint8Array): ParseResult {
    if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(DOCTYPE) >= 0) {
      return { ok: false, error: new EppError(2001, 'DOCTYPE declarations are not allowed in EPP') };
    }
    const parsed = this.libxml.parse(bytes, PARSE_OPTIONS);
    if ('errors' in parsed) return { ok: false, error: new EppError(2001, `XML is not well-formed: ${libxmlMessage(parsed.errors)}`) };
    const doc = parsed.doc;
    try {
      // One walk over libxml2's tree (each node access crosses into WebAssembly); the rest reads the copy.
      const root = toElem(rootPtr(doc), new Map());
      const clTRID = findClTRID(root);
      const unknownExt = findUnknownExtension(root, this.knownExtensions);
      if (unknownExt) {
        return { ok: false, clTRID, error: new EppError(2103, `Extension ${unknownExt} is not implemented by this server`) };
      }
      const invalid = this.libxml.validate(doc);
      if (invalid) {
        // The schema admits only version 1.0; RFC 5730 answers another version with 2100, not a syntax error.
        const version = loginVersion(root);
        if (version !== undefined && version !== '1.0') {
          return { ok: false, clTRID, error: new EppError(2100, `EPP version ${version.slice(0, 20)} is not implemented; this server speaks 1.0`) };
        }
        return { ok: false, clTRID, error: new EppError(2001, `XML schema validation failed: ${libxmlMessage(invalid)}`) };
      }
      try {
        return { ok: true, message: toMessage(root) };
      } catch (e) {
        if (e instanceof EppError) return { ok: false, clTRID, error: e };
        throw e;
      }
    } finally {
      this.libxml.free(doc);
    }
  }
}

function libxmlMessage(details: LibxmlDiagnostic[]): string {
  const text = details.map((d) => d.message.trim()).join('; ');
  return (text || 'unknown error').slice(0, 500);
}

/** Strips XML whitespace only (String#trim would also strip U+FEFF, U+00A0..., shortening a valid clTRID). */
function xmlTrim(s: string): string {
  return s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
}

/** The epp-namespace children of `el` with this local name. */
function eppChildren(el: Elem, name: string): Elem[] {
  return el.children.filter((c) => c.name === name && c.ns === NS.epp);
}

function findClTRID(root: Elem): string | undefined {
  if (root.ns !== NS.epp) return undefined;
  for (const c of eppChildren(root, 'command')) {
    for (const g of eppChildren(c, 'clTRID')) {
      // Echoed only when it is a valid trIDType (3-64 characters), or the response itself would be invalid.
      const v = xmlTrim(g.text);
      const chars = [...v].length; // XSD lengths count characters, not UTF-16 units
      return chars >= 3 && chars <= 64 ? v : undefined;
    }
  }
  return undefined;
}

function loginVersion(root: Elem): string | undefined {
  const version = eppChildren(root, 'command').flatMap((c) => eppChildren(c, 'login')).flatMap((l) => eppChildren(l, 'options')).flatMap((o) => eppChildren(o, 'version'))[0];
  return version ? version.text.trim() : undefined;
}

function findUnknownExtension(root: Elem, known: ReadonlySet<string>): string | undefined {
  if (root.ns !== NS.epp) return undefined;
  for (const c of eppChildren(root, 'command')) {
    for (const g of eppChildren(c, 'extension')) {
      for (const ext of g.children) if (!known.has(ext.ns)) return ext.ns || '(no namespace)';
    }
  }
  return undefined;
}

/** The document's root element (a well-formed document has one). */
function rootPtr(doc: number): number {
  const ptr = xmlDocGetRootElement(doc);
  if (ptr === 0) throw new Error('libxml2: a parsed document without a root element');
  return ptr;
}

/**
 * Copies an element and its descendants out of libxml2's tree in one walk, reading the structs directly
 * (≈ 2× faster than through libxml2-wasm's node objects, which cross into WebAssembly and allocate a
 * wrapper for every node and attribute). Namespace URIs are decoded once per declaration.
 */
function toElem(ptr: number, hrefs: Map<number, string>): Elem {
  const attrs: Record<string, string> = {};
  for (let a = XmlNodeStruct.properties(ptr); a !== 0; a = XmlNamedNodeStruct.next(a)) {
    // Namespaced attributes (xsi:schemaLocation) carry no command data.
    if (XmlNamedNodeStruct.namespace(a) === 0) attrs[XmlNamedNodeStruct.name_(a)] = xmlNodeGetContent(a);
  }
  const kids: Elem[] = [];
  let text = '';
  for (let c = XmlNodeStruct.children(ptr); c !== 0; c = XmlNodeStruct.next(c)) {
    const type = XmlNodeStruct.type(c);
    if (type === XmlNodeType.XML_ELEMENT_NODE) kids.push(toElem(c, hrefs));
    else if (type === XmlNodeType.XML_TEXT_NODE || type === XmlNodeType.XML_CDATA_SECTION_NODE) text += xmlNodeGetContent(c);
  }
  const ns = XmlNamedNodeStruct.namespace(ptr);
  let uri = '';
  if (ns !== 0) {
    uri = hrefs.get(ns) ?? XmlNsStruct.href(ns);
    hrefs.set(ns, uri);
  }
  return { ns: uri, name: XmlNodeStruct.name_(ptr), attrs, children: kids, text };
}

function toMessage(root: Elem): EppMessage {
  const first = root.children[0];
  if (first.name === 'hello') return { kind: 'hello', extensions: [] };
  // The schema admits greeting/response/extension at the top too: a client has no business sending them.
  if (first.name !== 'command') throw new EppError(2001, `<${first.name}> is not a client command`);
  const command = first;
  const verbEl = command.children[0];
  const extension = command.children.find((c) => c.name === 'extension' && c.ns === NS.epp);
  const rawClTRID = command.children.find((c) => c.name === 'clTRID' && c.ns === NS.epp)?.text;
  const clTRID = rawClTRID === undefined ? undefined : xmlTrim(rawClTRID);
  const object = verbEl.name === 'login' || verbEl.name === 'logout' || verbEl.name === 'poll' ? undefined : verbEl.children[0];
  return { kind: 'command', command, verb: verbEl.name, verbEl, object, extensions: extension?.children ?? [], clTRID };
}
