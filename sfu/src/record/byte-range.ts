// HTTP range requests (RFC 9110 §14) for recording files: a video element seeks by asking for byte ranges.
// One range is served; a request for several is answered with the whole file, which the RFC allows.

/** Inclusive byte offsets. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * The range a `Range` header asks for within a file of `size` bytes: undefined to send the whole file (no
 * header, not bytes, several ranges, or unparsable — ignored as the RFC says), 'unsatisfiable' for a range
 * wholly past the end (416).
 */
export function requestedRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    // The last N bytes.
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  if (start >= size) return 'unsatisfiable';
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (end < start) return undefined;
  return { start, end };
}
