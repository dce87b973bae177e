import type { Writable } from 'node:stream';
import { escapeAttr, escapeText } from '../protocol/response.js';

export type Attrs = Record<string, string | number | undefined>;

/** Characters XML 1.0 cannot carry at all, even escaped (C0 controls other than tab, newline, return; U+FFFE/F; lone surrogates). */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Chunk size handed to the file stream: large enough that writes are cheap, small enough to keep memory flat. */
const FLUSH_AT = 256 * 1024;

/**
 * Writes an XML document to a stream, element by element, every text and attribute value through the one
 * pair of escaping functions the EPP responses use. Markup is gathered into chunks; `flush` hands a chunk
 * over and waits while the stream is full, so memory stays flat however large the document.
 */
export class XmlStreamWriter {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly out: Writable) {}

  private push(s: string): void {
    this.parts.push(s);
    this.size += s.length;
  }

  private attrs(a: Attrs | undefined): string {
    if (!a) return '';
    let s = '';
    for (const k in a) {
      const v = a[k];
      if (v !== undefined) s += ` ${k}="${escapeAttr(checked(String(v), k))}"`;
    }
    return s;
  }

  /** Markup written as is (declarations, fixed fragments): never data. */
  raw(markup: string): void {
    this.push(markup);
  }

  open(name: string, a?: Attrs): void {
    this.push(`<${name}${this.attrs(a)}>`);
  }

  close(name: string): void {
    this.push(`</${name}>`);
  }

  /** `<name a="…">text</name>`, or `<name a="…"/>` without text. */
  el(name: string, text?: string | number | null, a?: Attrs): void {
    if (text === undefined || text === null) this.push(`<${name}${this.attrs(a)}/>`);
    else this.push(`<${name}${this.attrs(a)}>${escapeText(checked(String(text), name))}</${name}>`);
  }

  /** Hands the gathered markup to the stream once there is enough of it, waiting while the stream is full. */
  async flush(force = false): Promise<void> {
    if (this.size === 0 || (!force && this.size < FLUSH_AT)) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.out.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const done = (e?: Error) => {
          this.out.off('drain', done);
          this.out.off('error', done);
          if (e) reject(e);
          else resolve();
        };
        this.out.on('drain', done);
        this.out.on('error', done);
      });
    }
  }
}

/** A value that XML cannot carry is an error, never a silently broken document. */
function checked(s: string, where: string): string {
  if (NOT_XML.test(s)) throw new Error(`${where}: a value holds a character XML 1.0 cannot carry (${JSON.stringify(s.slice(0, 40))})`);
  return s;
}
