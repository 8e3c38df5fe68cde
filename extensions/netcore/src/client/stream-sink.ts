// Sends a downloading file to a stream (`pss get --stdout`) instead of a .part file.
// The digest is still checked at the end; a mismatch fails the command.
import type { Writable } from 'node:stream';
import { ErrorCode, PssError } from '../errors';
import type { Sink } from './file-sink';

export class StreamSink implements Sink {
  private failure: PssError | undefined;

  constructor(private readonly stream: Writable) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      this.failure ??= new PssError(ErrorCode.WRITE_FAILED, `cannot write the output: ${err.code ?? err.message}`);
    });
  }

  write(bytes: Buffer, drained: () => void): boolean {
    if (this.failure) return true;
    if (this.stream.write(bytes)) return true;
    this.stream.once('drain', drained);
    return false;
  }

  async finish(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.stream.writableNeedDrain) await new Promise((r) => this.stream.once('drain', r));
    if (this.failure) throw this.failure;
  }

  async abort(): Promise<void> {}
}
