// Splits a byte stream into records on one delimiter byte, across chunk boundaries.

/**
 * push() returns the complete records in a chunk; end() returns the last one if the input did not end
 * with a delimiter. With `stripCr`, a record's trailing \r goes too (\r\n line endings).
 * Records are views into the chunk, not copies (pipe mode sends them as they are): a stream must not
 * reuse a chunk's memory after emitting it, which Node's stdin streams never do.
 */
export class RecordSplitter {
  private pending: Buffer[] = [];

  constructor(
    private readonly delimiter: number,
    private readonly stripCr: boolean,
  ) {}

  push(chunk: Buffer): Buffer[] {
    const records: Buffer[] = [];
    let start = 0;
    let at = chunk.indexOf(this.delimiter, start);
    while (at !== -1) {
      let record = chunk.subarray(start, at);
      if (this.pending.length > 0) {
        record = Buffer.concat([...this.pending, record]);
        this.pending = [];
      }
      records.push(this.trim(record));
      start = at + 1;
      at = chunk.indexOf(this.delimiter, start);
    }
    // The tail waits for the next chunk: a copy of it lets this chunk be freed once its records are sent.
    if (start < chunk.length) this.pending.push(Buffer.from(chunk.subarray(start)));
    return records;
  }

  end(): Buffer[] {
    if (this.pending.length === 0) return [];
    const last = Buffer.concat(this.pending);
    this.pending = [];
    return [this.trim(last)];
  }

  private trim(record: Buffer): Buffer {
    return this.stripCr && record.length > 0 && record[record.length - 1] === 0x0d
      ? record.subarray(0, -1)
      : record;
  }
}
