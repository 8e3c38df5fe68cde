// PROTOCOL.md §8 and errors.ts name the same error codes: every code the engine can raise
// has one line in the table, and the table lists no code the engine does not have. A
// difference is reported by name, each side's extra codes on their own, so the fix is
// plain from the message.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '../../../extensions/netcore/src/errors';

const SPEC_PATH = join(__dirname, '../../../extensions/netcore/PROTOCOL.md');

/** The lines of §8, from its heading to the next heading of level 2. */
function errorSection(spec: string): string[] {
  const lines = spec.split('\n');
  const start = lines.findIndex((l) => /^## 8\. /.test(l));
  assert.ok(start >= 0, 'PROTOCOL.md has a "## 8." section');
  const end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

interface Table {
  /** The first cell of each row, in order, backticks removed. */
  codes: string[];
  /** Rows whose first cell is not one code in backticks. */
  malformed: string[];
}

function errorTable(section: string[]): Table {
  const rows = section.filter((l) => l.startsWith('|'));
  assert.ok(rows.length > 2, '§8 holds a table');
  const [header, rule, ...body] = rows;
  assert.match(header!, /^\| Code \|/, 'the table’s first column is Code');
  assert.match(rule!, /^\|[-| ]+\|$/, 'a header rule follows');
  const codes: string[] = [];
  const malformed: string[] = [];
  for (const row of body) {
    const m = /^\| `([A-Z][A-Z0-9_]*)` \|/.exec(row);
    if (m) codes.push(m[1]!);
    else malformed.push(row);
  }
  return { codes, malformed };
}

/** What differs between the table and errors.ts, one sentence each; empty when they agree. */
function differences(table: Table, source: Record<string, string>): string[] {
  const out: string[] = [];
  const inSource = new Set(Object.values(source));
  const inTable = new Set(table.codes);
  const missing = [...inSource].filter((c) => !inTable.has(c));
  const extra = [...inTable].filter((c) => !inSource.has(c));
  const twice = [...new Set(table.codes.filter((c, i) => table.codes.indexOf(c) !== i))];
  const misnamed = Object.entries(source)
    .filter(([key, value]) => key !== value)
    .map(([key, value]) => `${key}: '${value}'`);
  if (missing.length) out.push(`in errors.ts but not in PROTOCOL.md §8: ${missing.join(', ')}`);
  if (extra.length) out.push(`in PROTOCOL.md §8 but not in errors.ts: ${extra.join(', ')}`);
  if (twice.length) out.push(`more than one line in PROTOCOL.md §8: ${twice.join(', ')}`);
  if (table.malformed.length) out.push(`rows of PROTOCOL.md §8 that do not start with a code in backticks: ${table.malformed.join(' / ')}`);
  if (misnamed.length) out.push(`errors.ts keys that differ from their codes: ${misnamed.join(', ')}`);
  return out;
}

test('PROTOCOL.md §8 has one line for each code in errors.ts, and no other', () => {
  const table = errorTable(errorSection(readFileSync(SPEC_PATH, 'utf8')));
  const found = differences(table, ErrorCode);
  assert.ok(found.length === 0, `PROTOCOL.md's error table and errors.ts differ:\n      ${found.join('\n      ')}`);
});

// The check itself, on tables that differ in each way it looks for.
test('the comparison names each kind of difference', () => {
  const spec = [
    '## 8. Error codes',
    '| Code | When | Kind |',
    '|------|------|------|',
    '| `BAD_FRAME` | x | Fatal |',
    '| `NEW_ONE` | x | Fatal |',
    '| `BAD_FRAME` | again | Fatal |',
    '| TIMEOUT | no backticks | Fatal |',
    '## 9. Next',
    '| `AFTER_THE_SECTION` | x | Fatal |',
  ].join('\n');
  const found = differences(errorTable(errorSection(spec)), { BAD_FRAME: 'BAD_FRAME', TIMEOUT: 'TIMEOUT', OLD: 'OLD_CODE' });
  assert.equal(found, [
    'in errors.ts but not in PROTOCOL.md §8: TIMEOUT, OLD_CODE',
    'in PROTOCOL.md §8 but not in errors.ts: NEW_ONE',
    'more than one line in PROTOCOL.md §8: BAD_FRAME',
    'rows of PROTOCOL.md §8 that do not start with a code in backticks: | TIMEOUT | no backticks | Fatal |',
    "errors.ts keys that differ from their codes: OLD: 'OLD_CODE'",
  ]);
  assert.equal(
    differences(
      errorTable(
        errorSection(spec.replace('| `NEW_ONE` | x | Fatal |\n', '').replace('| `BAD_FRAME` | again | Fatal |\n', '').replace('| TIMEOUT |', '| `TIMEOUT` |')),
      ),
      { BAD_FRAME: 'BAD_FRAME', TIMEOUT: 'TIMEOUT' },
    ),
    [],
  );
});

test.run();
