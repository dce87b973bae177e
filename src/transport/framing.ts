/**
 * RFC 5734 §4 framing: each EPP data unit is preceded by a 4-byte big-endian length that counts the
 * header itself. The reader never allocates a claimed length up front: it checks the header against
 * the maximum first, and only concatenates bytes that have actually arrived.
 */
export const HEADER_BYTES = 4;

export type FrameEvent = { frame: Buffer } | { error: string; length: number };

export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private expected = -1;

  constructor(private readonly maxFrameBytes: number) {}

  /** Feeds bytes; returns the complete frames (or a framing error, after which the stream is unusable). */
  push(chunk: Buffer): FrameEvent[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: FrameEvent[] = [];
    for (;;) {
      if (this.expected < 0) {
        if (this.buffered < HEADER_BYTES) break;
        const length = this.take(HEADER_BYTES).readUInt32BE(0);
        if (length <= HEADER_BYTES) {
          out.push({ error: `invalid frame length ${length}: it must count the 4-byte header and at least one byte of data`, length });
          return out;
        }
        if (length > this.maxFrameBytes) {
          out.push({ error: `frame length ${length} exceeds the maximum of ${this.maxFrameBytes} bytes`, length });
          return out;
        }
        this.expected = length - HEADER_BYTES;
      }
      if (this.buffered < this.expected) break;
      out.push({ frame: this.take(this.expected) });
      this.expected = -1;
    }
    return out;
  }

  /** Bytes received that do not yet form a whole frame. */
  get pending(): number {
    return this.buffered;
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
    const head = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return head;
  }
}

export function frame(xml: string | Buffer): Buffer {
  const body = typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml;
  const out = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  out.writeUInt32BE(HEADER_BYTES + body.length, 0);
  body.copy(out, HEADER_BYTES);
  return out;
}
