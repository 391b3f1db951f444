import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { checkOutboundUrl, internalAddressReason, pinnedLookup } from './outbound-address.js';

describe('internalAddressReason', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '100.64.0.1',
    '169.254.169.254',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fd00:ec2::254',
    'fc00::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe',
  ])('blocks %s', (address) => {
    expect(internalAddressReason(address)).toBeDefined();
  });

  it.each(['93.184.215.14', '1.1.1.1', '2606:4700:4700::1111', '::ffff:1.1.1.1'])('lets the public address %s through', (address) => {
    expect(internalAddressReason(address)).toBeUndefined();
  });
});

describe('checkOutboundUrl', () => {
  it.each(['http://127.0.0.1:9/mcp', 'http://127.1/', 'http://2130706433/', 'http://0x7f000001/', 'http://[::1]/', 'http://169.254.169.254/latest/meta-data', 'http://[fd00:ec2::254]/', 'http://localhost:3001/mcp'])(
    'refuses %s with a clear error',
    async (url) => {
      await expect(checkOutboundUrl(url, [])).rejects.toMatchObject({ name: 'OutboundAddressError', message: expect.stringMatching(/^Refused .*resolves to .*outbound allow list/) });
    },
  );

  it('refuses a name whose answer includes one internal address among public ones', async () => {
    const resolver = () => Promise.resolve([{ address: '1.1.1.1', family: 4 }, { address: '10.0.0.5', family: 4 }]);
    await expect(checkOutboundUrl('https://mixed.example/', [], resolver)).rejects.toThrow(/10\.0\.0\.5/);
  });

  it('accepts an allow-listed host or range and returns the address to connect to', async () => {
    expect(await checkOutboundUrl('http://localhost:3001/mcp', ['localhost'])).toMatchObject({ address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/) });
    expect(await checkOutboundUrl('http://127.0.0.1:3001/mcp', ['127.0.0.0/8'])).toMatchObject({ address: '127.0.0.1', family: 4 });
    expect(await checkOutboundUrl('http://[::1]:3001/', ['::1'])).toMatchObject({ address: '::1', family: 6 });
    await expect(checkOutboundUrl('http://10.0.0.1/', ['127.0.0.0/8'])).rejects.toThrow(/Refused/);
  });

  it('refuses other schemes, non-URLs and names that do not resolve', async () => {
    await expect(checkOutboundUrl('file:///etc/passwd', [])).rejects.toThrow(/file: URLs are not allowed/);
    await expect(checkOutboundUrl('not a url', [])).rejects.toThrow(/is not a URL/);
    await expect(checkOutboundUrl('http://nothing.invalid/', [])).rejects.toThrow(/Cannot resolve 'nothing.invalid'/);
  });

  it('connects to the checked address even when the name would now resolve elsewhere (no rebinding)', async () => {
    const server = createServer((_req, res) => res.end('pinned'));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    try {
      const target = await checkOutboundUrl(`http://rebinding.test:${port}/`, ['127.0.0.1'], () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]));
      // rebinding.test does not exist in real DNS: the answer can only come from the pinned lookup.
      const body = await new Promise<string>((done, fail) => {
        const outgoing = request(target.url, { lookup: pinnedLookup(target) }, (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => done(text));
        });
        outgoing.on('error', fail);
        outgoing.end();
      });
      expect(body).toBe('pinned');
    } finally {
      await new Promise((done) => server.close(done));
    }
  });
});
