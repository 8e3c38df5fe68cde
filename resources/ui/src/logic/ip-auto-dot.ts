// The Server IP box of the original: while digits are typed at the end of an IPv4
// address, the dots are inserted automatically. Anything else (host names, IPv6, pasted
// text, edits in the middle, deletions) is left exactly as the user made it.

/** One edit of the text box, as the `input` event reports it. */
export interface IpEdit {
  /** The value before the edit. */
  previous: string;
  /** The value after the edit, as the browser produced it. */
  value: string;
  /** Caret position after the edit. */
  caret: number;
  /** `InputEvent.inputType`, e.g. `insertText`, `insertFromPaste`, `deleteContentBackward`. */
  inputType: string;
}

export interface IpEditResult {
  value: string;
  caret: number;
}

const IPV4_PREFIX = /^(\d{1,3}\.){0,3}\d{0,3}$/;
const OCTET_GROUPS = 4;

/** True when no further digit can extend this octet (it is 3 digits, "0", or ≥ 26). */
function octetComplete(group: string): boolean {
  if (group.length >= 3) return true;
  if (group === '0') return true;
  return group.length > 0 && Number(group) * 10 > 255;
}

/**
 * Applies automatic dot insertion to one edit. Returns the value and caret to show; when the
 * edit is not a digit or dot typed at the end of a numeric address, the edit is returned
 * unchanged.
 */
export function autoDot(edit: IpEdit): IpEditResult {
  const unchanged = { value: edit.value, caret: edit.caret };
  if (edit.inputType !== 'insertText') return unchanged;
  if (edit.caret !== edit.value.length) return unchanged;
  if (edit.value.length !== edit.previous.length + 1 || !edit.value.startsWith(edit.previous)) return unchanged;
  const typed = edit.value.slice(-1);
  const before = edit.previous;
  if (!/^[\d.]*$/.test(before)) return unchanged;

  if (typed === '.') {
    // A dot typed right after an automatic one (or at the start) is swallowed.
    if (before === '' || before.endsWith('.')) return { value: before, caret: before.length };
    return unchanged;
  }
  if (typed === ':' && before.split('.').length < OCTET_GROUPS) {
    // A colon before four groups: an IPv6 address that began with digits; our dots go.
    const value = before.replace(/\./g, '') + typed;
    return { value, caret: value.length };
  }
  if (!/\d/.test(typed)) {
    // A letter after a dot we may have inserted: this is a host name, so the dot goes.
    if (before.endsWith('.')) {
      const value = before.slice(0, -1) + typed;
      return { value, caret: value.length };
    }
    return unchanged;
  }

  const groups = before.split('.');
  const last = groups[groups.length - 1]!;
  let value: string;
  if (last !== '' && (octetComplete(last) || Number(last + typed) > 255)) {
    // The digit starts the next octet, when there is one.
    if (groups.length >= OCTET_GROUPS) return unchanged;
    value = `${before}.${typed}`;
  } else {
    value = before + typed;
  }
  if (!IPV4_PREFIX.test(value)) return unchanged;
  const newGroups = value.split('.');
  if (newGroups.length < OCTET_GROUPS && octetComplete(newGroups[newGroups.length - 1]!)) value += '.';
  return { value, caret: value.length };
}

export interface HostPort {
  host: string;
  port: number | null;
}

/**
 * Splits what was typed or pasted into the Server IP box into a host and, when the text
 * ends with `:port` (IPv4 or a host name) or is `[v6]:port`, that port.
 */
export function splitHostPort(text: string): HostPort {
  const trimmed = text.trim().replace(/\.$/, '');
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(trimmed);
  if (bracketed) return { host: bracketed[1]!, port: bracketed[2] === undefined ? null : Number(bracketed[2]) };
  const withPort = /^([^:]+):(\d{1,5})$/.exec(trimmed);
  if (withPort) return { host: withPort[1]!, port: Number(withPort[2]) };
  return { host: trimmed, port: null };
}

/** A port typed by a person: a whole number 1–65535 (0 is only for the server, see parsePort). */
export function parsePort(text: string, allowZero = false): number | null {
  const t = text.trim();
  if (!/^\d{1,5}$/.test(t)) return null;
  const n = Number(t);
  if (n > 65535 || (n === 0 && !allowZero)) return null;
  return n;
}

/** Accepts IPv4 addresses, IPv6 addresses and host names, as the engine does. */
export function isUsableHost(host: string): boolean {
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(host)) return false;
  if (/^[\d.]+$/.test(host)) {
    const parts = host.split('.');
    return parts.length === 4 && parts.every((p) => p !== '' && Number(p) <= 255);
  }
  return !host.startsWith('.') && !host.includes('..');
}
