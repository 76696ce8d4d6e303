import { describe, expect, it } from 'vitest';
import { parseHttpUrl } from './http-url.ts';

describe('http URLs', () => {
  it('splits scheme, host, port, target and the Host header', () => {
    expect(parseHttpUrl('http://Example.COM/index.html?q=1#top')).toEqual({
      scheme: 'http',
      host: 'example.com',
      port: 80,
      target: '/index.html?q=1',
      hostHeader: 'example.com',
    });
    expect(parseHttpUrl('http://127.0.0.1:8080')).toMatchObject({
      port: 8080,
      target: '/',
      hostHeader: '127.0.0.1:8080',
    });
    expect(parseHttpUrl('https://site/')).toMatchObject({ scheme: 'https', port: 443, hostHeader: 'site' });
    expect(parseHttpUrl('localhost:3000/api')).toMatchObject({
      scheme: 'http',
      host: 'localhost',
      port: 3000,
      target: '/api',
    });
    expect(parseHttpUrl('http://[::1]:8080/x')).toMatchObject({ host: '::1', hostHeader: '[::1]:8080' });
    expect(parseHttpUrl('http://h?x=1')).toMatchObject({ target: '/?x=1' });
  });

  it('refuses other schemes and broken ports', () => {
    expect(parseHttpUrl('ftp://host/')).toBeUndefined();
    expect(parseHttpUrl('http://host:0/')).toBeUndefined();
    expect(parseHttpUrl('http://host:70000/')).toBeUndefined();
    expect(parseHttpUrl('http://')).toBeUndefined();
    expect(parseHttpUrl('http://a b/')).toBeUndefined();
  });
});
