// Unread chat messages and the 🔴 markers. The server's Chats tab shows the marker while a
// client whose chat window is closed has unread messages; an open window reads its messages
// as they arrive. The client's Chat with Server button works the same way with one chat.

export interface UnreadState {
  /** Unread messages per session id. */
  readonly unread: ReadonlyMap<string, number>;
  /** Sessions whose chat window is open. */
  readonly open: ReadonlySet<string>;
}

export const emptyUnread: UnreadState = { unread: new Map(), open: new Set() };

function withCount(state: UnreadState, sessionId: string, count: number): UnreadState {
  const unread = new Map(state.unread);
  if (count > 0) unread.set(sessionId, count);
  else unread.delete(sessionId);
  return { unread, open: state.open };
}

/** A message arrived; `unreadNow` is the engine's count for that session after it. */
export function messageArrived(state: UnreadState, sessionId: string, unreadNow: number): UnreadState {
  return withCount(state, sessionId, state.open.has(sessionId) ? 0 : unreadNow);
}

/** The engine's count for a session, e.g. from a session update, unless its window is open. */
export function countReported(state: UnreadState, sessionId: string, unreadNow: number): UnreadState {
  return withCount(state, sessionId, state.open.has(sessionId) ? 0 : unreadNow);
}

export function chatOpened(state: UnreadState, sessionId: string): UnreadState {
  const open = new Set(state.open);
  open.add(sessionId);
  return withCount({ unread: state.unread, open }, sessionId, 0);
}

export function chatClosed(state: UnreadState, sessionId: string): UnreadState {
  const open = new Set(state.open);
  open.delete(sessionId);
  return { unread: state.unread, open };
}

/** The session has gone: its chat and its count go with it. */
export function sessionGone(state: UnreadState, sessionId: string): UnreadState {
  return withCount(chatClosed(state, sessionId), sessionId, 0);
}

export function unreadFor(state: UnreadState, sessionId: string): number {
  return state.unread.get(sessionId) ?? 0;
}

/** The 🔴 on the Chats tab: some closed chat has unread messages. */
export function showsMarker(state: UnreadState): boolean {
  for (const [id, count] of state.unread) if (count > 0 && !state.open.has(id)) return true;
  return false;
}

export function totalUnread(state: UnreadState): number {
  let total = 0;
  for (const count of state.unread.values()) total += count;
  return total;
}
