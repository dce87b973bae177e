/**
 * libxml2's parser and schema-validation contexts, kept and reused across documents instead of built and freed
 * for each one as libxml2-wasm's `XmlDocument.fromBuffer` and `XsdValidator.validate` do (with a JavaScript
 * wrapper, a finalization registration and an error slot per document besides). Measured with
 * `bench/validator.js`, see README "Performance".
 *
 * This reaches below libxml2-wasm's documented API (its `libxml2.mjs` exports and the validator's schema
 * pointer), like the tree walk in `parser.ts`: package-lock.json pins the version, and the parser and fuzz
 * tests exercise every path.
 */
import type { XsdValidator } from 'libxml2-wasm';
import {
  error,
  xmlFreeDoc,
  xmlFreeParserCtxt,
  xmlNewParserCtxt,
  xmlCtxtSetErrorHandler,
  xmlReadMemory,
  xmlSchemaFreeValidCtxt,
  xmlSchemaNewValidCtxt,
  xmlSchemaSetValidStructuredErrors,
  xmlSchemaValidateDoc,
} from 'libxml2-wasm/lib/libxml2.mjs';

export interface LibxmlDiagnostic {
  message: string;
  level: number;
  line: number;
  col: number;
}

/** libxml2's xmlErrorLevel: diagnostics at this level or above are errors (below: warnings). */
const XML_ERR_ERROR = 2;

/**
 * A reused parser context interns every element and attribute name it meets in its dictionary, which grows
 * with the distinct names of all the documents it parsed (and WebAssembly memory never shrinks): it is
 * replaced after this many documents, and a large document gets a context of its own.
 */
export const DOCUMENTS_PER_PARSER_CONTEXT = 256;
export const LARGEST_DOCUMENT_FOR_SHARED_CONTEXT = 8192;

export class LibxmlContexts {
  private readonly diagnostics: LibxmlDiagnostic[] = [];
  private readonly errorSlot = error.storage.allocate(this.diagnostics);
  private parserCtxt = 0;
  private parsed = 0;
  /** Parser contexts made so far (shared ones and those of large documents): for the tests of the bound. */
  parserContextsMade = 0;
  private readonly validCtxt: number;

  constructor(validator: XsdValidator) {
    const schema = (validator as unknown as { _ptr?: unknown })._ptr;
    if (typeof schema !== 'number' || schema === 0) throw new Error('libxml2-wasm: no schema pointer on the validator');
    this.validCtxt = xmlSchemaNewValidCtxt(schema);
    if (this.validCtxt === 0) throw new Error('libxml2: cannot allocate a schema validation context');
    xmlSchemaSetValidStructuredErrors(this.validCtxt, error.errorCollector, this.errorSlot);
  }

  /**
   * Parses a document: its pointer (to be given to `free`), or libxml2's error diagnostics when it is not
   * well-formed.
   */
  parse(bytes: Uint8Array, options: number): { doc: number } | { errors: LibxmlDiagnostic[] } {
    const shared = bytes.byteLength <= LARGEST_DOCUMENT_FOR_SHARED_CONTEXT;
    const ctxt = shared ? this.sharedParserCtxt() : this.newParserCtxt();
    this.diagnostics.length = 0;
    let doc = 0;
    try {
      doc = xmlReadMemory(ctxt, bytes, null, null, options);
    } finally {
      if (!shared) xmlFreeParserCtxt(ctxt);
    }
    // Warnings do not fail a document; an error does, even when libxml2 recovered a tree.
    if (doc === 0 || this.diagnostics.some((d) => d.level >= XML_ERR_ERROR)) {
      if (doc !== 0) xmlFreeDoc(doc);
      return { errors: this.diagnostics.splice(0) };
    }
    return { doc };
  }

  /** Validates a parsed document against the schema set: null when valid, else the diagnostics. */
  validate(doc: number): LibxmlDiagnostic[] | null {
    this.diagnostics.length = 0;
    const ret = xmlSchemaValidateDoc(this.validCtxt, doc);
    if (ret === 0) return null;
    const errors = this.diagnostics.splice(0);
    return errors.length > 0 ? errors : [{ message: ret < 0 ? 'internal validation error' : 'the document is not valid', level: XML_ERR_ERROR, line: 0, col: 0 }];
  }

  free(doc: number): void {
    xmlFreeDoc(doc);
  }

  dispose(): void {
    if (this.parserCtxt !== 0) xmlFreeParserCtxt(this.parserCtxt);
    this.parserCtxt = 0;
    xmlSchemaFreeValidCtxt(this.validCtxt);
    error.storage.free(this.errorSlot);
  }

  private sharedParserCtxt(): number {
    if (this.parserCtxt === 0 || this.parsed >= DOCUMENTS_PER_PARSER_CONTEXT) {
      if (this.parserCtxt !== 0) xmlFreeParserCtxt(this.parserCtxt);
      this.parserCtxt = this.newParserCtxt();
      this.parsed = 0;
    }
    this.parsed++;
    return this.parserCtxt;
  }

  private newParserCtxt(): number {
    const ctxt = xmlNewParserCtxt();
    if (ctxt === 0) throw new Error('libxml2: cannot allocate a parser context');
    this.parserContextsMade++;
    xmlCtxtSetErrorHandler(ctxt, error.errorCollector, this.errorSlot);
    return ctxt;
  }
}
