// A number of bytes several holders share: the control frames being assembled on every
// connection, or the DOWNLOAD_FILES lists being served by every session (PROTOCOL.md §11).
// Whoever does not fit is answered BUSY instead of making the server hold more: forty
// clients that each sent a 1 MiB request and read nothing held over 100 MiB before.
export interface Lease {
  /** Gives the bytes back; only the first call counts. */
  release(): void;
}

export class ByteBudget {
  private used = 0;

  constructor(readonly limitBytes: number) {}

  get usedBytes(): number {
    return this.used;
  }

  /**
   * Takes `bytes`, or returns undefined when they do not fit. A holder alone may take more
   * than the limit, so that no single request is refused only for its size.
   */
  take(bytes: number): Lease | undefined {
    if (this.used + bytes > this.limitBytes && this.used > 0) return undefined;
    this.used += bytes;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.used -= bytes;
      },
    };
  }
}
