// Small urlencoded forms (login, ZIP selection): the body is read up to a byte limit and
// decoded with the same strict percent-decoding as paths, so a name in a form is exactly
// the name in a link.
import type { IncomingMessage } from 'node:http';
import { ErrorCode, PssError } from '../errors';
import { percentDecode } from './web-path';

/** Reads the whole body, refusing more than `limit` bytes or another content type. */
export async function readFormBody(req: IncomingMessage, limit: number): Promise<string> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new PssError(ErrorCode.BAD_MESSAGE, 'expected a form');
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) throw new PssError(ErrorCode.BAD_MESSAGE, 'the form is too large');
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > limit) throw new PssError(ErrorCode.BAD_MESSAGE, 'the form is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('latin1');
}

/** Name/value pairs of a urlencoded string (a body, or a URL's query), in order. */
export function parseForm(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (text === '') return out;
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    const decode = (s: string) => {
      try {
        return percentDecode(s.replace(/\+/g, '%20'));
      } catch {
        throw new PssError(ErrorCode.BAD_MESSAGE, 'the form is not properly encoded');
      }
    };
    out.push([decode(rawName), decode(rawValue)]);
  }
  return out;
}

export function formValue(pairs: ReadonlyArray<[string, string]>, name: string): string | undefined {
  return pairs.find(([n]) => n === name)?.[1];
}

export function formValues(pairs: ReadonlyArray<[string, string]>, name: string): string[] {
  return pairs.filter(([n]) => n === name).map(([, v]) => v);
}
