// Splits a byte stream into records on one delimiter byte, across chunk boundaries, one record at a time.

/** What next() returns for a record longer than `maxRecordBytes`: it was not kept. */
export const tooLarge = Symbol('record too large');

/**
 * push() hands in a chunk; next() takes out one complete record at a time, so a caller whose consumer is
 * full can stop taking and pause its source with the rest still here (at most the chunks pushed so far).
 * end() says no more chunks come: next() then also returns a last record that had no delimiter.
 * With `stripCr`, a record's trailing \r goes too (\r\n line endings). A record that grows past
 * `maxRecordBytes` is not accumulated further: next() returns `tooLarge` and the splitter stops.
 * Records are views into the chunk, not copies (pipe mode sends them as they are): a stream must not
 * reuse a chunk's memory after emitting it, which Node's stdin streams never do.
 */
export class RecordSplitter {
  /** Input not yet split, oldest first; the first one is read from `offset`. */
  private chunks: Buffer[] = [];
  private offset = 0;
  /** The start of a record whose delimiter has not arrived yet. */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private isEnded = false;
  private isBroken = false;

  constructor(
    private readonly delimiter: number,
    private readonly stripCr: boolean,
    private readonly maxRecordBytes = Infinity,
  ) {}

  push(chunk: Buffer): void {
    if (chunk.length > 0 && !this.isBroken) this.chunks.push(chunk);
  }

  /** end() was called: no more chunks come. */
  get hasEnded(): boolean {
    return this.isEnded;
  }

  /** No more input: the bytes after the last delimiter, if any, become the last record. */
  end(): void {
    this.isEnded = true;
  }

  /** The next complete record, `tooLarge`, or undefined when none is complete yet (or all are taken). */
  next(): Buffer | typeof tooLarge | undefined {
    if (this.isBroken) return undefined;
    while (this.chunks.length > 0) {
      const chunk = this.chunks[0]!;
      const at = chunk.indexOf(this.delimiter, this.offset);
      if (at === -1) {
        // Copy the tail: the chunk's memory may be reused by the stream.
        const tail = Buffer.from(chunk.subarray(this.offset));
        this.chunks.shift();
        this.offset = 0;
        this.partial.push(tail);
        this.partialBytes += tail.length;
        if (this.partialBytes > this.maxRecordBytes + (this.stripCr ? 1 : 0)) return this.broken();
        continue;
      }
      let record = chunk.subarray(this.offset, at);
      this.offset = at + 1;
      if (this.offset >= chunk.length) {
        this.chunks.shift();
        this.offset = 0;
      }
      if (this.partial.length > 0) {
        record = Buffer.concat([...this.partial, record]);
        this.partial = [];
        this.partialBytes = 0;
      }
      return this.checked(this.trim(record));
    }
    if (this.isEnded && this.partial.length > 0) {
      const last = Buffer.concat(this.partial);
      this.partial = [];
      this.partialBytes = 0;
      return this.checked(this.trim(last));
    }
    return undefined;
  }

  private checked(record: Buffer): Buffer | typeof tooLarge {
    return record.length > this.maxRecordBytes ? this.broken() : record;
  }

  private broken(): typeof tooLarge {
    this.isBroken = true;
    this.chunks = [];
    this.partial = [];
    this.partialBytes = 0;
    return tooLarge;
  }

  private trim(record: Buffer): Buffer {
    return this.stripCr && record.length > 0 && record[record.length - 1] === 0x0d
      ? record.subarray(0, -1)
      : record;
  }
}
