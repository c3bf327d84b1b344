import { describe, expect, it } from 'vitest';
import { estimatesBandwidth } from './transport-guards.js';

describe('estimatesBandwidth', () => {
  it('sees transport-wide congestion control in the header extensions', () => {
    const uri = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';
    expect(
      estimatesBandwidth({ headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid' }, { uri }] }),
    ).toBe(true);
  });

  it('sees REMB in a codec’s feedback', () => {
    expect(
      estimatesBandwidth({ codecs: [{ rtcpFeedback: [{ type: 'nack' }, { type: 'goog-remb' }] }] }),
    ).toBe(true);
  });

  it('finds none for a plain RTP player', () => {
    expect(estimatesBandwidth({})).toBe(false);
    expect(estimatesBandwidth({ headerExtensions: [], codecs: [{ rtcpFeedback: [{ type: 'nack' }] }] })).toBe(
      false,
    );
  });
});
