// Sends a downloading file to a stream (`pss get --stdout`) instead of a .part file.
// Pieces are gathered into 1 MiB blocks (one write call per block, not per 16 KiB TLS
// record); the digest is still checked at the end and a mismatch fails the command.
import type { Writable } from 'node:stream';
import { READ_CHUNK_BYTES } from '../constants';
import { ErrorCode, PssError } from '../errors';
import type { Sink } from './file-sink';

export class StreamSink implements Sink {
  private failure: PssError | undefined;
  private block: Buffer | undefined;
  private fill = 0;
  private readonly spare: Buffer[] = [];

  constructor(private readonly stream: Writable) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      this.failure ??= new PssError(ErrorCode.WRITE_FAILED, `cannot write the output: ${err.code ?? err.message}`);
    });
  }

  write(bytes: Buffer, drained: () => void): boolean {
    if (this.failure) return true;
    let pos = 0;
    let ok = true;
    while (pos < bytes.length) {
      this.block ??= this.spare.pop() ?? Buffer.allocUnsafe(READ_CHUNK_BYTES);
      const take = Math.min(bytes.length - pos, this.block.length - this.fill);
      bytes.copy(this.block, this.fill, pos, pos + take);
      this.fill += take;
      pos += take;
      if (this.fill === this.block.length) ok = this.flush() && ok;
    }
    if (!ok) this.stream.once('drain', drained);
    return ok;
  }

  async finish(): Promise<void> {
    this.flush();
    if (this.stream.writableNeedDrain) await new Promise((r) => this.stream.once('drain', r));
    if (this.failure) throw this.failure;
  }

  async abort(): Promise<void> {
    this.block = undefined;
    this.fill = 0;
  }

  private flush(): boolean {
    const block = this.block;
    if (!block || this.fill === 0) return true;
    const data = block.subarray(0, this.fill);
    this.block = undefined;
    this.fill = 0;
    return this.stream.write(data, () => this.spare.push(block));
  }
}
