import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('runs with no environment at all (the embedded default)', () => {
    const config = loadConfig({});
    expect(config.http).toMatchObject({ port: 3000, host: 'localhost' });
    expect(config.mediasoup).toMatchObject({ rtcPort: 40000, listen: [{ ip: '127.0.0.1' }] });
    expect(config.lan).toBeUndefined();
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
    expect(config.mediasoup).toMatchObject({
      workers: 3,
      listen: [{ ip: '0.0.0.0', announcedIp: '203.0.113.5' }],
    });
  });

  it('needs the announced address when listening on every interface', () => {
    expect(() => loadConfig({ RTC_LISTEN_IP: '0.0.0.0' })).toThrow(/RTC_ANNOUNCED_IP: required/);
  });

  describe('classroom mode (--lan)', () => {
    const nic = (address: string, internal = false) => ({
      address,
      netmask: '255.255.255.0',
      family: 'IPv4' as const,
      mac: '00:00:00:00:00:00',
      internal,
      cidr: `${address}/24`,
    });
    const interfaces = {
      lo: [nic('127.0.0.1', true)],
      wlan0: [nic('192.168.1.20')],
      eth0: [nic('10.0.0.7')],
      docker0: [nic('172.17.0.1')],
      veth1a2b: [nic('172.18.0.1')],
    };

    it('serves HTTPS on the LAN addresses, listens everywhere, announces each address, needs no secret', () => {
      const config = loadConfig({}, { argv: ['--lan'], interfaces });
      expect(config.lan).toEqual({ addresses: ['192.168.1.20', '10.0.0.7'] });
      expect(config.http.host).toBe('0.0.0.0');
      expect(config.embedded).toBe(false);
      expect(config.mediasoup.listen).toEqual([{ ip: '192.168.1.20' }, { ip: '10.0.0.7' }]);
    });

    it('is also LAN=true, and LAN_ADDRESSES names the addresses', () => {
      const config = loadConfig({ LAN: 'true', LAN_ADDRESSES: '10.9.0.1' }, { interfaces });
      expect(config.lan).toEqual({ addresses: ['10.9.0.1'] });
    });

    it('says so when the machine has no LAN address', () => {
      const attempt = () => loadConfig({}, { argv: ['--lan'], interfaces: { lo: interfaces.lo } });
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(/--lan: this machine has no LAN address/);
    });

    it('refuses an unknown option', () => {
      expect(() => loadConfig({}, { argv: ['--lna'] })).toThrow(/unknown option --lna/);
    });
  });

  it('allows the configured names as Host, besides localhost and own addresses', () => {
    const config = loadConfig({
      PUBLIC_URL: 'https://Class.Example.org',
      ALLOWED_HOSTS: 'inclubit.school.lan',
      ALLOWED_ORIGINS: 'https://other.example.org:8443',
      TOKEN_SECRET: 'k3x9Qm2vLr8TzW4nYp6HsB1cJd7FgA5uEo0iRtMy',
    });
    expect(config.http.allowedHosts.sort()).toEqual(
      ['class.example.org', 'inclubit.school.lan', 'localhost', 'other.example.org'].sort(),
    );
  });

  describe('several nodes (CLUSTER_REDIS_URL)', () => {
    it('uses no Redis at all unless told', () => {
      expect(loadConfig({}).cluster).toBeUndefined();
    });

    it('names the node and where pages and pipes reach it', () => {
      const config = loadConfig({
        CLUSTER_REDIS_URL: 'redis://127.0.0.1:6379',
        NODE_ID: 'edge-2',
        PORT: '3100',
        RTC_LISTEN_IP: '10.1.0.5',
        HOST: '127.0.0.1',
      });
      expect(config.cluster).toEqual({
        redisUrl: 'redis://127.0.0.1:6379',
        nodeId: 'edge-2',
        nodeUrl: 'http://127.0.0.1:3100',
        maxViewers: 1000,
        pipe: { ip: '10.1.0.5' },
        heartbeatMs: 1000,
        pipePorts: { min: 41000, max: 41999 },
      });
      const behindNat = loadConfig({
        CLUSTER_REDIS_URL: 'redis://127.0.0.1:6379',
        CLUSTER_PIPE_IP: '10.1.0.5',
        CLUSTER_PIPE_ANNOUNCED_IP: '203.0.113.9',
        NODE_URL: 'https://edge-2.school.example',
      });
      expect(behindNat.cluster).toMatchObject({
        nodeUrl: 'https://edge-2.school.example',
        pipe: { ip: '10.1.0.5', announcedIp: '203.0.113.9' },
      });
      expect(behindNat.cluster?.nodeId).toMatch(/^[A-Za-z0-9._-]+$/);
    });

    it('wants a password for a Redis on another machine, and a redis:// URL', () => {
      expect(() => loadConfig({ CLUSTER_REDIS_URL: 'redis://10.0.0.5:6379' })).toThrow(/needs a password/);
      expect(loadConfig({ CLUSTER_REDIS_URL: 'redis://:s3cret-long@10.0.0.5:6379' }).cluster).toBeDefined();
      expect(() => loadConfig({ CLUSTER_REDIS_URL: 'http://10.0.0.5' })).toThrow(/CLUSTER_REDIS_URL/);
      expect(() => loadConfig({ CLUSTER_REDIS_URL: 'redis://x', NODE_ID: 'no spaces' })).toThrow(/NODE_ID/);
      expect(() => loadConfig({ CLUSTER_PIPE_PORTS: '42000-41000' })).toThrow(/CLUSTER_PIPE_PORTS/);
      expect(
        loadConfig({ CLUSTER_REDIS_URL: 'redis://127.0.0.1', CLUSTER_PIPE_PORTS: '50000-50099' }).cluster
          ?.pipePorts,
      ).toEqual({ min: 50000, max: 50099 });
    });
  });

  describe('NODE_ENV=production', () => {
    const safe = {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PUBLIC_URL: 'https://class.example.org',
      TOKEN_SECRET: 'k3x9Qm2vLr8TzW4nYp6HsB1cJd7FgA5uEo0iRtMy',
      TURN_SECRET: 'tq8Wn3Zr5Lm1Kx7Vb2',
      TURN_HOST: 'class.example.org',
      OPERATOR_PASSWORD: 'correct horse battery',
    };
    const refusal = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('the configuration was accepted');
    };

    it('starts with every secret set, on loopback behind a proxy, and is not the embedded mode', () => {
      const config = loadConfig(safe);
      expect(config).toMatchObject({ production: true, embedded: false });
      expect(config.auth.operatorPassword).toBe('correct horse battery');
    });

    it.each([
      ['TOKEN_SECRET', { TOKEN_SECRET: '' }, /TOKEN_SECRET: required/],
      [
        'TOKEN_SECRET',
        { TOKEN_SECRET: 'change-me-change-me-change-me-change-me' },
        /TOKEN_SECRET: still the example/,
      ],
      ['TURN_SECRET', { TURN_SECRET: '' }, /TURN_SECRET: required/],
      ['TURN_SECRET', { TURN_SECRET: 'change-me-turn-secret' }, /TURN_SECRET: still the example/],
      ['OPERATOR_PASSWORD', { OPERATOR_PASSWORD: '' }, /OPERATOR_PASSWORD: required/],
      [
        'OPERATOR_PASSWORD',
        { OPERATOR_PASSWORD: 'change-me-please' },
        /OPERATOR_PASSWORD: a default password/,
      ],
      ['OPERATOR_PASSWORD', { OPERATOR_PASSWORD: 'Inclubit360' }, /OPERATOR_PASSWORD: must be at least 12/],
      ['PUBLIC_URL', { PUBLIC_URL: '' }, /PUBLIC_URL: required/],
      ['PUBLIC_URL', { PUBLIC_URL: 'http://class.example.org' }, /PUBLIC_URL: must be https/],
    ])('refuses an unsafe %s and names it', (name, change, message) => {
      const text = refusal({ ...safe, ...change });
      expect(text).toMatch(message);
      // Only the wrong variable is named, so the fix is obvious.
      const named = text
        .split('\n')
        .slice(1)
        .map((line) => line.trim().split(':')[0]);
      expect(named).toEqual([name]);
    });

    it('names every problem at once', () => {
      const text = refusal({ NODE_ENV: 'production', HOST: '127.0.0.1' });
      for (const name of ['TOKEN_SECRET', 'TURN_SECRET', 'OPERATOR_PASSWORD', 'PUBLIC_URL'])
        expect(text).toContain(`  ${name}: required`);
    });

    it('accepts a password hash instead of the password', () => {
      const config = loadConfig({
        ...safe,
        OPERATOR_PASSWORD: '',
        OPERATOR_PASSWORD_HASH: 'scrypt$16384$8$1$a$b',
      });
      expect(config.auth.operatorPasswordHash).toMatch(/^scrypt\$/);
    });
  });
});

describe('example.env', () => {
  it('lists every variable the service reads', async () => {
    const fs = await import('node:fs');
    const { schema } = await import('./config.js');
    const text = fs.readFileSync(new URL('../../example.env', import.meta.url), 'utf8');
    const listed = new Set([...text.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    const missing = Object.keys(schema.shape).filter((name) => !listed.has(name));
    expect(missing).toEqual([]);
  });
});
