// Sends a downloading file to a stream (`pss get --stdout`) instead of a .part file, in
// 1 MiB blocks (one write call per block, not per 16 KiB TLS record). The digest is still
// checked at the end and a mismatch fails the command.
import type { Writable } from 'node:stream';
import { ErrorCode, PssError } from '../errors';
import type { BlockDigest } from '../workers/tasks';
import { BlockSink } from './file-sink';

export class StreamSink extends BlockSink {
  constructor(
    private readonly stream: Writable,
    digest: BlockDigest | undefined,
  ) {
    super(digest);
    stream.on('error', (err: NodeJS.ErrnoException) => {
      this.setFailure(new PssError(ErrorCode.WRITE_FAILED, `cannot write the output: ${err.code ?? err.message}`));
    });
  }

  protected storeBlock(data: Buffer): Promise<Uint8Array> {
    const written = new Promise<void>((resolve, reject) => {
      this.stream.write(data, (err) => (err ? reject(err) : resolve()));
    });
    // Stream writes complete in order, so the digest sees the blocks in order.
    return written.then(() => this.hashWritten(data));
  }
}
