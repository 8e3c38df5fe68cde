// Neutralino never stops the extensions it starts, so netcore watches for the app going away
// by itself. The WebSocket closing is the usual sign (the OS closes it when the app exits in
// any way); this watch covers the time before it is open and an app that hangs up without
// closing it.
//
// Neutralino starts an extension through a shell (`/bin/sh -c <command>`, `cmd.exe /c` on
// Windows), and the shell stays as netcore's parent. So besides the parent, on Linux the
// watch follows the shell's own parent: when the app exits the shell is handed to another
// process, and that change is the sign.
import { readFileSync } from 'node:fs';

const PARENT_WATCH_INTERVAL_MS = 1_000;

const SHELLS = new Set(['sh', 'dash', 'bash', 'zsh', 'ash', 'busybox']);

export interface ParentWatch {
  /** The pids watched: the parent, then the shell's parent when there is one. */
  readonly pids: number[];
  stop(): void;
}

interface ProcStat {
  command: string;
  ppid: number;
}

/** `/proc/<pid>/stat` on Linux: the command name is in parentheses and may hold anything. */
function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const ppid = Number(text.slice(close + 2).split(' ')[1]);
  return Number.isInteger(ppid) ? { command: text.slice(open + 1, close), ppid } : undefined;
}

export function watchParent(onGone: (reason: string) => void, { intervalMs = PARENT_WATCH_INTERVAL_MS } = {}): ParentWatch {
  const parent = process.ppid;
  const parentStat = process.platform === 'linux' ? readProcStat(parent) : undefined;
  const grandparent = parentStat && SHELLS.has(parentStat.command) && parentStat.ppid > 1 ? parentStat.ppid : undefined;
  let stopped = false;
  const check = () => {
    if (stopped) return;
    let reason: string | undefined;
    if (process.ppid !== parent) reason = `the parent process ${parent} exited`;
    else if (grandparent !== undefined && readProcStat(parent)?.ppid !== grandparent) reason = `the app process ${grandparent} exited`;
    if (reason === undefined) return;
    stop();
    onGone(reason);
  };
  const timer = setInterval(check, intervalMs);
  timer.unref();
  const stop = () => {
    stopped = true;
    clearInterval(timer);
  };
  return { pids: grandparent === undefined ? [parent] : [parent, grandparent], stop };
}
