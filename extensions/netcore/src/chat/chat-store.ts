// Chat history per session, in order, bounded, with unread counts for the 🔴 markers.
import { CHAT_HISTORY_MAX } from '../constants';
import type { ChatMessage } from '../contract';

interface Thread {
  messages: ChatMessage[];
  unread: number;
}

export class ChatStore {
  private readonly threads = new Map<string, Thread>();
  private nextId = 1;

  add(sessionId: string, from: ChatMessage['from'], text: string): ChatMessage {
    const thread = this.thread(sessionId);
    const message: ChatMessage = { id: this.nextId++, sessionId, from, text, time: new Date().toISOString() };
    thread.messages.push(message);
    if (thread.messages.length > CHAT_HISTORY_MAX) thread.messages.shift();
    if (from === 'client') thread.unread++;
    return message;
  }

  history(sessionId: string): ChatMessage[] {
    return [...(this.threads.get(sessionId)?.messages ?? [])];
  }

  unread(sessionId: string): number {
    return this.threads.get(sessionId)?.unread ?? 0;
  }

  totalUnread(): number {
    let total = 0;
    for (const t of this.threads.values()) total += t.unread;
    return total;
  }

  markRead(sessionId: string): void {
    const thread = this.threads.get(sessionId);
    if (thread) thread.unread = 0;
  }

  /** A session that ended takes its thread with it. */
  forget(sessionId: string): void {
    this.threads.delete(sessionId);
  }

  private thread(sessionId: string): Thread {
    let thread = this.threads.get(sessionId);
    if (!thread) this.threads.set(sessionId, (thread = { messages: [], unread: 0 }));
    return thread;
  }
}
