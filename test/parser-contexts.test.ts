import { expect } from 'chai';
import { join } from 'node:path';
import type { XsdValidator } from 'libxml2-wasm';
import { DOCUMENTS_PER_PARSER_CONTEXT, LARGEST_DOCUMENT_FOR_SHARED_CONTEXT, LibxmlContexts } from '../src/protocol/libxml-contexts.js';
import { compileSchemaSet } from '../src/protocol/schema.js';
import { REPO_ROOT } from '../src/ote/environment.js';

const OPTIONS = 0;
const check = (name: string) =>
  Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?><epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><command><check><domain:check xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"><domain:name>${name}</domain:name></domain:check></check><clTRID>ABC-1</clTRID></command></epp>`,
  );
/** Well-formed, schema-invalid, and full of element names no other document has. */
const distinctNames = (d: number, n: number) =>
  Buffer.from(`<epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><command>${Array.from({ length: n }, (_, i) => `<n${d}x${i}/>`).join('')}</command></epp>`);

// The reused libxml2 contexts behind the EPP parser (every command over TLS goes through them; these tests pin
// what the TLS tests cannot see: the bound on a parser context's dictionary, and reuse after errors).
describe('libxml2 contexts reused across documents', () => {
  let validator: XsdValidator;
  let libxml: LibxmlContexts;
  before(() => {
    validator = compileSchemaSet(join(REPO_ROOT, 'schemas'));
  });
  beforeEach(() => {
    libxml = new LibxmlContexts(validator);
  });
  afterEach(() => libxml.dispose());
  after(() => validator.dispose());

  function parseAndValidate(bytes: Buffer): 'valid' | 'invalid' | 'not well-formed' {
    const r = libxml.parse(bytes, OPTIONS);
    if ('errors' in r) return 'not well-formed';
    try {
      return libxml.validate(r.doc) === null ? 'valid' : 'invalid';
    } finally {
      libxml.free(r.doc);
    }
  }

  it('replaces the shared parser context after a bounded number of documents, so that their names cannot grow it without end', () => {
    const n = DOCUMENTS_PER_PARSER_CONTEXT * 3;
    for (let d = 0; d < n; d++) expect(parseAndValidate(distinctNames(d, 50))).to.equal('invalid');
    expect(libxml.parserContextsMade).to.equal(3);
  });

  it('gives a document over the size limit of the shared context a context of its own, freed after it', () => {
    const big = distinctNames(0, 2000);
    expect(big.length).to.be.above(LARGEST_DOCUMENT_FOR_SHARED_CONTEXT);
    expect(parseAndValidate(check('a.tatar'))).to.equal('valid');
    expect(parseAndValidate(big)).to.equal('invalid');
    expect(parseAndValidate(check('b.tatar'))).to.equal('valid');
    expect(libxml.parserContextsMade).to.equal(2); // the shared one, and the big document's
  });

  it('reports errors of one document only, and parses and validates the next one normally', () => {
    const broken = Buffer.from('<epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><command>');
    for (let i = 0; i < 3; i++) {
      const r = libxml.parse(broken, OPTIONS);
      expect(r).to.have.property('errors').that.is.not.empty;
      const invalid = libxml.parse(distinctNames(i, 1), OPTIONS);
      if ('errors' in invalid) throw new Error('well-formed document refused');
      const errors = libxml.validate(invalid.doc);
      libxml.free(invalid.doc);
      expect(errors).to.have.length(1); // this document's error, not an accumulation
      expect(parseAndValidate(check(`c${i}.tatar`))).to.equal('valid');
    }
  });
});
