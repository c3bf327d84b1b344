import { describe, expect, it } from 'vitest';
import { chooseSource } from './device-choice';

const theta = { deviceId: 'id-theta', label: 'RICOH THETA Z1' };
const insta = { deviceId: 'id-insta', label: 'Insta360 X3' };
const builtIn = ['pattern'];

describe('chooseSource', () => {
  it('without a saved choice takes the first device, or the built-in source when there is none', () => {
    expect(chooseSource(undefined, [theta, insta], builtIn, 'pattern')).toEqual({
      value: 'id-theta',
      fellBack: false,
    });
    expect(chooseSource(undefined, [], builtIn, 'pattern')).toEqual({ value: 'pattern', fellBack: false });
  });

  it('keeps the saved device, found by id', () => {
    expect(chooseSource(insta, [theta, insta], builtIn, 'pattern')).toEqual({
      value: 'id-insta',
      fellBack: false,
    });
  });

  it('finds the saved device by name when its id changed', () => {
    const replugged = { deviceId: 'new-id', label: 'Insta360 X3' };
    expect(chooseSource(insta, [theta, replugged], builtIn, 'pattern')).toEqual({
      value: 'new-id',
      fellBack: false,
    });
  });

  it('falls back when the saved device is gone, and says so', () => {
    expect(chooseSource(insta, [theta], builtIn, 'pattern')).toEqual({ value: 'id-theta', fellBack: true });
    expect(chooseSource(insta, [], builtIn, 'pattern')).toEqual({ value: 'pattern', fellBack: true });
  });

  it('does not match an unnamed device by its empty name', () => {
    const unnamed = { deviceId: 'x', label: '' };
    expect(chooseSource({ deviceId: 'gone', label: '' }, [unnamed], builtIn, 'pattern')).toEqual({
      value: 'x',
      fellBack: true,
    });
  });

  it('keeps a saved built-in source even when devices exist', () => {
    expect(chooseSource({ deviceId: 'pattern', label: '' }, [theta], builtIn, 'pattern')).toEqual({
      value: 'pattern',
      fellBack: false,
    });
  });
});
