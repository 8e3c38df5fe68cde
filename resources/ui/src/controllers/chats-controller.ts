// The server's Chats tab and its chat windows: the clients one can chat with, a window per
// client (several open at once), unread counts per client and the 🔴 on the tab.
import type { ChatMessage, NetcoreApi, SessionInfo } from '../../../../extensions/netcore/src/contract';
import type { Shell } from '../app/shell';
import { t } from '../i18n/i18n';
import { errorText } from '../logic/error-text';
import { chatClosed, chatOpened, countReported, emptyUnread, messageArrived, sessionGone, showsMarker, type UnreadState } from '../logic/unread';
import { Store } from './store';
import { isolate } from '../i18n/bidi';

export interface ChatsState {
  /** Desktop clients, in the order they connected (web pages have no chat). */
  clients: readonly SessionInfo[];
  selectedId: string | null;
  /** Open chat windows, oldest first. */
  openIds: readonly string[];
  /** Messages of the open (or once opened) chats, by session id. */
  messages: ReadonlyMap<string, readonly ChatMessage[]>;
  unread: UnreadState;
  /** The 🔴 on the Chats tab. */
  marker: boolean;
  error: string | null;
}

export class ChatsController extends Store<ChatsState> {
  private readonly unsubscribers: (() => void)[];

  constructor(
    private readonly api: NetcoreApi,
    private readonly shell: Shell,
  ) {
    super({ clients: [], selectedId: null, openIds: [], messages: new Map(), unread: emptyUnread, marker: false, error: null });
    this.unsubscribers = [
      api.on('session.added', (s) => this.upsert(s)),
      api.on('session.changed', (s) => this.upsert(s)),
      api.on('session.removed', ({ id }) => this.remove(id)),
      api.on('chat.message', (m) => this.arrived(m)),
      api.on('server.status', (status) => {
        if (status.state === 'stopped') for (const c of this.state.clients) this.remove(c.id);
      }),
    ];
  }

  async start(): Promise<void> {
    try {
      for (const s of await this.api.request('server.sessions', {})) {
        if (!this.state.clients.some((c) => c.id === s.id)) this.upsert(s);
      }
    } catch (err) {
      this.set({ error: errorText(err) });
    }
  }

  dispose(): void {
    for (const off of this.unsubscribers) off();
  }

  select(id: string | null): void {
    this.set({ selectedId: id, error: null });
  }

  client(id: string): SessionInfo | undefined {
    return this.state.clients.find((c) => c.id === id);
  }

  /** Open Chat Window: shows the history and reads it. An open window is brought forward. */
  async openChat(id: string): Promise<void> {
    const client = this.client(id);
    if (!client) return;
    const openIds = [...this.state.openIds.filter((o) => o !== id), id];
    this.setUnread(chatOpened(this.state.unread, id), { openIds, error: null });
    try {
      const history = await this.api.request('chat.history', { sessionId: id });
      if (!this.state.openIds.includes(id)) return;
      // Messages that arrived while the history was on its way are kept, in id order.
      const merged = new Map<number, ChatMessage>();
      for (const m of [...history, ...(this.state.messages.get(id) ?? [])]) merged.set(m.id, m);
      this.setMessages(
        id,
        [...merged.values()].sort((a, b) => a.id - b.id),
      );
      await this.api.request('chat.markRead', { sessionId: id });
    } catch (err) {
      this.set({ error: errorText(err) });
    }
  }

  closeChat(id: string): void {
    if (!this.state.openIds.includes(id)) return;
    this.setUnread(chatClosed(this.state.unread, id), { openIds: this.state.openIds.filter((o) => o !== id) });
  }

  async send(id: string, text: string): Promise<boolean> {
    const body = text.trim();
    if (body === '') return false;
    try {
      const message = await this.api.request('chat.send', { sessionId: id, text: body });
      this.append(message);
      return true;
    } catch (err) {
      this.set({ error: errorText(err) });
      return false;
    }
  }

  private arrived(m: ChatMessage & { unread: number }): void {
    const message: ChatMessage = { id: m.id, sessionId: m.sessionId, from: m.from, text: m.text, time: m.time };
    this.append(message);
    const open = this.state.openIds.includes(m.sessionId);
    this.setUnread(messageArrived(this.state.unread, m.sessionId, m.unread));
    if (open) {
      void this.api.request('chat.markRead', { sessionId: m.sessionId }).catch(() => undefined);
    } else {
      const name = this.client(m.sessionId)?.name ?? m.sessionId;
      void this.shell.notify(t('chats.notifyTitle', { name: isolate(name) }), message.text).catch(() => undefined);
    }
  }

  private append(message: ChatMessage): void {
    const list = this.state.messages.get(message.sessionId) ?? [];
    if (list.some((m) => m.id === message.id)) return;
    this.setMessages(message.sessionId, [...list, message]);
  }

  private setMessages(id: string, list: readonly ChatMessage[]): void {
    const messages = new Map(this.state.messages);
    messages.set(id, list);
    this.set({ messages });
  }

  private upsert(session: SessionInfo): void {
    if (session.kind !== 'desktop') return;
    const known = this.state.clients.some((c) => c.id === session.id);
    const clients = known ? this.state.clients.map((c) => (c.id === session.id ? session : c)) : [...this.state.clients, session];
    this.setUnread(countReported(this.state.unread, session.id, session.unread), { clients });
  }

  private remove(id: string): void {
    if (!this.state.clients.some((c) => c.id === id)) return;
    const messages = new Map(this.state.messages);
    messages.delete(id);
    this.setUnread(sessionGone(this.state.unread, id), {
      clients: this.state.clients.filter((c) => c.id !== id),
      openIds: this.state.openIds.filter((o) => o !== id),
      selectedId: this.state.selectedId === id ? null : this.state.selectedId,
      messages,
    });
  }

  private setUnread(unread: UnreadState, patch: Partial<ChatsState> = {}): void {
    this.set({ ...patch, unread, marker: showsMarker(unread) });
  }
}
