import { resolve } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  test('defaults', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      dataDir: resolve('./data'),
      eventStoreConnectionString: undefined,
      authTokensFile: undefined,
      demo: true,
      blobDir: resolve('./data/blobs'),
    });
  });

  test('reads the environment; the dataDir override wins', () => {
    const c = loadConfig(
      {
        PORT: '8080',
        HOST: '127.0.0.1',
        SAKSFLYT_DATA_DIR: '/srv/saksflyt',
        EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false',
        AUTH_TOKENS_FILE: '/etc/saksflyt/tokens.json',
        SAKSFLYT_DEMO: '0',
      },
      {},
    );
    expect(c).toEqual({
      port: 8080,
      host: '127.0.0.1',
      dataDir: '/srv/saksflyt',
      eventStoreConnectionString: 'esdb://localhost:2113?tls=false',
      authTokensFile: '/etc/saksflyt/tokens.json',
      demo: false,
      blobDir: '/srv/saksflyt/blobs',
    });
    expect(loadConfig({ SAKSFLYT_DATA_DIR: '/a' }, { dataDir: '/b' }).dataDir).toBe('/b');
    expect(loadConfig({ SAKSFLYT_DATA_DIR: '/a', SAKSFLYT_BLOB_DIR: '/var/lib/saksflyt-blobs' }).blobDir).toBe('/var/lib/saksflyt-blobs');
  });

  test('SAKSFLYT_DEMO off values; empty variables count as unset', () => {
    for (const v of ['0', 'false', 'OFF', 'no']) expect(loadConfig({ SAKSFLYT_DEMO: v }).demo).toBe(false);
    for (const v of ['1', 'true', '']) expect(loadConfig({ SAKSFLYT_DEMO: v }).demo).toBe(true);
    expect(loadConfig({ EVENTSTORE_CONNECTION_STRING: ' ', AUTH_TOKENS_FILE: '' })).toMatchObject({
      eventStoreConnectionString: undefined,
      authTokensFile: undefined,
    });
  });

  test('a bad PORT is refused', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
  });
});
