import { describe, expect, it } from 'vitest';
import { requestedRange } from './byte-range.js';

describe('requestedRange', () => {
  const size = 1000;
  it('reads a closed, an open-ended and a suffix range', () => {
    expect(requestedRange('bytes=0-99', size)).toEqual({ start: 0, end: 99 });
    expect(requestedRange('bytes=500-', size)).toEqual({ start: 500, end: 999 });
    expect(requestedRange('bytes=-100', size)).toEqual({ start: 900, end: 999 });
  });

  it('clamps an end past the file, and a suffix longer than the file', () => {
    expect(requestedRange('bytes=900-5000', size)).toEqual({ start: 900, end: 999 });
    expect(requestedRange('bytes=-5000', size)).toEqual({ start: 0, end: 999 });
  });

  it('refuses a start at or past the end, and an empty suffix', () => {
    expect(requestedRange('bytes=1000-', size)).toBe('unsatisfiable');
    expect(requestedRange('bytes=-0', size)).toBe('unsatisfiable');
  });

  it('sends the whole file for no header, several ranges, other units and nonsense', () => {
    for (const header of [undefined, '', 'bytes=0-1,5-9', 'items=0-5', 'bytes=-', 'bytes=9-3', 'bytes=a-b'])
      expect(requestedRange(header, size), String(header)).toBeUndefined();
  });
});
