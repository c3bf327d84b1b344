import { describe, expect, it } from 'vitest';
import { ceilingFor, layerScales, layerWidths, parseScalabilityMode, producerLayers } from './layers.js';

describe('scalability modes', () => {
  it.each([
    ['L1T3', { spatial: 1, temporal: 3 }],
    ['L3T3', { spatial: 3, temporal: 3 }],
    ['L3T3_KEY', { spatial: 3, temporal: 3 }],
    ['S3T3', { spatial: 3, temporal: 3 }],
    ['S2T1', { spatial: 2, temporal: 1 }],
  ])('%s has %o layers', (mode, count) => {
    expect(parseScalabilityMode(mode)).toEqual(count);
  });

  it.each([undefined, '', 'nonsense', 'L0T0'])('%o is one layer', (mode) => {
    expect(parseScalabilityMode(mode)).toEqual({ spatial: 1, temporal: 1 });
  });
});

describe('a camera track’s layers', () => {
  it('counts simulcast encodings as spatial layers, with their temporal layers', () => {
    const simulcast = [4, 2, 1].map((scale) => ({ scaleResolutionDownBy: scale, scalabilityMode: 'L1T3' }));
    expect(producerLayers(simulcast)).toEqual({ spatial: 3, temporal: 3 });
    expect(layerScales(simulcast, producerLayers(simulcast))).toEqual([4, 2, 1]);
  });

  it('reads SVC layers from its one encoding, each spatial layer half the next', () => {
    const svc = [{ scalabilityMode: 'L3T3_KEY' }];
    expect(producerLayers(svc)).toEqual({ spatial: 3, temporal: 3 });
    expect(layerScales(svc, producerLayers(svc))).toEqual([4, 2, 1]);
  });

  it('is one layer for a single encoding without a mode', () => {
    expect(producerLayers([{}])).toEqual({ spatial: 1, temporal: 1 });
    expect(producerLayers([])).toEqual({ spatial: 1, temporal: 1 });
  });
});

describe('layer widths', () => {
  it('follows each encoding’s scale-down from the top layer', () => {
    expect(layerWidths(3840, [4, 2, 1])).toEqual([960, 1920, 3840]);
  });

  it('counts a missing scale as full size', () => {
    expect(layerWidths(1920, [undefined])).toEqual([1920]);
  });
});

describe('the ceiling a viewer receives under', () => {
  const three = { spatial: 3, temporal: 3 };

  it('is the top, middle or lowest layer for High, Medium and Low, every temporal layer', () => {
    expect(ceilingFor('high', three)).toEqual({ spatialLayer: 2, temporalLayer: 2 });
    expect(ceilingFor('medium', three)).toEqual({ spatialLayer: 1, temporalLayer: 2 });
    expect(ceilingFor('low', three)).toEqual({ spatialLayer: 0, temporalLayer: 2 });
  });

  it('never names a layer that does not exist: a one-layer camera gives that layer for every choice', () => {
    const one = { spatial: 1, temporal: 1 };
    for (const q of ['auto', 'high', 'medium', 'low'] as const)
      expect(ceilingFor(q, one)).toEqual({ spatialLayer: 0, temporalLayer: 0 });
    expect(ceilingFor('medium', { spatial: 2, temporal: 3 })).toEqual({ spatialLayer: 0, temporalLayer: 2 });
  });

  it('is the top layer on Auto when the screen is unknown', () => {
    expect(ceilingFor('auto', three)).toEqual({ spatialLayer: 2, temporalLayer: 2 });
    expect(ceilingFor('auto', three, { widths: [960, 1920, 3840] })).toEqual({
      spatialLayer: 2,
      temporalLayer: 2,
    });
  });

  it('is, on Auto, the lowest layer at least as wide as the screen can show', () => {
    const widths = [960, 1920, 3840];
    expect(ceilingFor('auto', three, { widths, wantedWidth: 900 }).spatialLayer).toBe(0);
    expect(ceilingFor('auto', three, { widths, wantedWidth: 1500 }).spatialLayer).toBe(1);
    expect(ceilingFor('auto', three, { widths, wantedWidth: 1920 }).spatialLayer).toBe(1);
    expect(ceilingFor('auto', three, { widths, wantedWidth: 5000 }).spatialLayer).toBe(2);
  });

  it('ignores widths that do not match the layers', () => {
    expect(ceilingFor('auto', three, { widths: [960, 1920], wantedWidth: 900 }).spatialLayer).toBe(2);
  });
});
