// docs/protocol.md cannot drift from the schemas: every method, event, error code and close code the
// protocol module declares is written down there, and the document names none that no longer exists.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CloseCode, ErrorCode, events, methods } from './index.js';

const doc = fs.readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
/** Names in the first column of the document's tables: `| \`name\`, \`other\` | …`. */
const tableNames = (heading: string) => {
  const section = doc.split(/\n## /).find((s) => s.startsWith(heading)) ?? '';
  return section
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .flatMap((l) => [...(l.split('|')[1] ?? '').matchAll(/`(\w+)`/g)].map((m) => m[1]!));
};

describe('docs/protocol.md', () => {
  it('lists exactly the methods of the schemas', () => {
    expect(tableNames('Methods').sort()).toEqual(Object.keys(methods).sort());
  });

  it('lists exactly the events of the schemas', () => {
    expect(tableNames('Events').sort()).toEqual(Object.keys(events).sort());
  });

  it('names every error code and close code', () => {
    for (const code of ErrorCode.options) expect(doc, code).toContain(`\`${code}\``);
    for (const code of Object.values(CloseCode)) expect(doc, String(code)).toContain(String(code));
  });
});
