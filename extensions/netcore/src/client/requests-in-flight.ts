// The requests a download has sent on its connection and not seen answered, oldest first.
// A connection runs one request at a time; a server that says `queue` in WELCOME also
// holds one more, sent while the first runs, and starts it as soon as the first is done
// (PROTOCOL.md §4), so the link carries data from one request straight into the next.

import type { PssError } from '../errors';

interface Sent {
  resolve(): void;
  reject(err: PssError): void;
  /** It asks for the last files of the download. */
  last: boolean;
}

export class RequestsInFlight {
  private readonly sent: Sent[] = [];
  private began = false;
  private wake: (() => void) | undefined;

  /** Requests sent and not answered DOWNLOAD_DONE yet. */
  get pending(): number {
    return this.sent.length;
  }

  /** The oldest request has begun to answer: a server that refuses a request does so before. */
  get answered(): boolean {
    return this.began;
  }

  /** A request just sent: resolves at its DOWNLOAD_DONE, rejects if the connection ends first. */
  add(last: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.sent.length === 0) this.began = false;
      this.sent.push({ resolve, reject, last });
    });
  }

  /** A message about one of the oldest request's files came. */
  answer(): void {
    if (this.began) return;
    this.began = true;
    this.wakeUp();
  }

  /** The oldest request's DOWNLOAD_DONE: true when it asked for the last files of the download. */
  done(): boolean {
    const oldest = this.sent.shift();
    this.began = false;
    oldest?.resolve();
    return oldest?.last === true;
  }

  /** The connection ended: every request sent on it fails with `err`. */
  fail(err: PssError): void {
    this.began = false;
    for (const s of this.sent.splice(0)) s.reject(err);
    this.wakeUp();
  }

  /** Resolves once the oldest request has begun to answer, or none is waiting for an answer. */
  untilAnswered(): Promise<void> {
    if (this.began || this.sent.length === 0) return Promise.resolve();
    return new Promise((resolve) => (this.wake = resolve));
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
