// The Client screen's messages from the server: the chat with its window, its 🔴 and a
// desktop notification while the window is closed, and the administrator's warnings,
// shown prominently until dismissed. The conversation lives here alone: the engine passes
// each message on and keeps none.
import type { ChatMessage, NetcoreApi } from '../../../../extensions/netcore/src/contract';
import type { Shell } from '../app/shell';
import { t } from '../i18n/i18n';
import { errorText } from '../logic/error-text';
import type { ScreenOutcome } from './screen-outcome';
import { Store } from './store';

export interface ServerWarning {
  text: string;
  time: string;
}

export interface ChatViewState {
  chatOpen: boolean;
  chat: readonly ChatMessage[];
  /** The server's messages that came while the window was closed. */
  unread: number;
  warnings: readonly ServerWarning[];
}

export class ClientChatController extends Store<ChatViewState> {
  private readonly unsubscribers: (() => void)[];

  constructor(
    private readonly api: NetcoreApi,
    private readonly shell: Shell,
    private readonly outcome: ScreenOutcome,
  ) {
    super({ chatOpen: false, chat: [], unread: 0, warnings: [] });
    this.unsubscribers = [
      api.on('client.chat', (message) => this.arrived(message)),
      api.on('client.warning', (warning) => this.warned(warning)),
      api.on('client.state', (connection) => {
        // A connection that is over and cannot be resumed takes the window with it.
        if (connection.phase === 'disconnected' && !connection.canRetry && this.state.chatOpen) this.set({ chatOpen: false });
      }),
    ];
  }

  dispose(): void {
    for (const off of this.unsubscribers) off();
  }

  /** A new connect starts a new conversation. */
  clear(): void {
    this.set({ chat: [], unread: 0, chatOpen: false });
  }

  /** Opens the window, which reads everything in it. */
  openChat(): void {
    this.set({ chatOpen: true, unread: 0 });
  }

  closeChat(): void {
    this.set({ chatOpen: false });
  }

  async sendChat(text: string): Promise<boolean> {
    const body = text.trim();
    if (body === '') return false;
    try {
      const message = await this.api.request('client.chat.send', { text: body });
      this.set({ chat: [...this.state.chat, message] });
      return true;
    } catch (err) {
      this.outcome.fail(errorText(err));
      return false;
    }
  }

  dismissWarning(index: number): void {
    this.set({ warnings: this.state.warnings.filter((_, i) => i !== index) });
  }

  private arrived(message: ChatMessage): void {
    const chat = [...this.state.chat, message];
    if (this.state.chatOpen) return this.set({ chat });
    this.set({ chat, unread: this.state.unread + 1 });
    void this.shell.notify(t('client.chat.notifyTitle'), message.text).catch(() => undefined);
  }

  private warned(warning: ServerWarning): void {
    this.set({ warnings: [...this.state.warnings, warning] });
    void this.shell.notify(t('client.warning.title'), warning.text).catch(() => undefined);
  }
}
