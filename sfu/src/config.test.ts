import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('runs with no environment at all (the embedded default)', () => {
    const config = loadConfig({});
    expect(config.http).toMatchObject({ port: 3000, host: 'localhost' });
    expect(config.mediasoup).toMatchObject({ rtcPort: 40000, listenIp: '127.0.0.1', announcedIp: undefined });
    expect(config.mediasoup.workers).toBeGreaterThanOrEqual(1);
  });

  it('treats empty values (VAR= in an .env file) as unset', () => {
    expect(loadConfig({ PORT: '', RTC_ANNOUNCED_IP: '' }).http.port).toBe(3000);
  });

  it('names every wrong variable', () => {
    const attempt = () =>
      loadConfig({
        PORT: 'eighty',
        RTC_LISTEN_IP: 'not-an-ip',
        LOG_LEVEL: 'loud',
        MEDIASOUP_WORKER_BIN: '/no/such',
      });
    expect(attempt).toThrow(ConfigError);
    for (const name of [
      'PORT',
      'RTC_LISTEN_IP: expected an IPv4 or IPv6 address',
      'LOG_LEVEL',
      'MEDIASOUP_WORKER_BIN',
    ]) {
      expect(attempt).toThrow(name);
    }
  });

  it('parses numbers and addresses', () => {
    const config = loadConfig({
      PORT: '8080',
      MEDIASOUP_WORKERS: '3',
      RTC_LISTEN_IP: '0.0.0.0',
      RTC_ANNOUNCED_IP: '203.0.113.5',
    });
    expect(config.http.port).toBe(8080);
    expect(config.mediasoup).toMatchObject({ workers: 3, listenIp: '0.0.0.0', announcedIp: '203.0.113.5' });
  });
});
