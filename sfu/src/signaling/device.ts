// A short, human name for the browser behind a user agent: what an operator needs to tell headsets apart.
export function describeDevice(userAgent: string | undefined): string {
  const ua = userAgent ?? '';
  const headset = /OculusBrowser|Quest/.test(ua)
    ? 'Meta Quest'
    : /Pico/.test(ua)
      ? 'Pico'
      : /Vision|visionOS/.test(ua) &&
          /Safari/.test(ua) &&
          !/iPhone|iPad/.test(ua) &&
          /AppleWebKit/.test(ua) &&
          /Macintosh/.test(ua) === false
        ? 'Apple Vision Pro'
        : undefined;
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Mac OS X/.test(ua)
        ? 'macOS'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Linux/.test(ua)
            ? 'Linux'
            : undefined;
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /OculusBrowser/.test(ua)
      ? 'Quest Browser'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /Chrome\/|Chromium\//.test(ua)
          ? 'Chrome'
          : /Safari\//.test(ua)
            ? 'Safari'
            : undefined;
  if (headset) return browser ? `${headset} (${browser})` : headset;
  if (browser && os) return `${browser} on ${os}`;
  return browser ?? os ?? 'unknown device';
}
