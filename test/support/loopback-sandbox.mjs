#!/usr/bin/env node
// Runs one command inside a fresh network namespace that has only loopback (start it with
// `unshare -n -m node loopback-sandbox.mjs '<json>'`). Plain JS because it runs under bare `node`.
// Inside:
// - `lo` is brought up; there is no other interface and no route, so anything aimed off the machine
//   fails with ENETUNREACH;
// - 127.0.0.1:<listenPort> pipes each connection to <unixSocket>, which the test serves from the
//   host namespace (path-bound Unix sockets cross network namespaces);
// - /etc/resolv.conf is bind-mounted (private mount namespace) to point at a DNS sink on 127.0.0.1:53
//   that logs every query name to <dnsLog> and answers NXDOMAIN, so the test can see lookups that
//   would otherwise just time out.
// The command's exit code becomes this process's exit code; sandbox failures exit 97.
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { appendFileSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';

const SANDBOX_FAILURE = 97;
const config = JSON.parse(process.argv[2] ?? '{}');

function fail(message) {
  process.stderr.write(`[loopback-sandbox] ${message}\n`);
  process.exit(SANDBOX_FAILURE);
}

function run(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed: ${result.stderr || result.error}`);
}

/** The first question's name of a DNS query (RFC 1035 §4.1.2), or undefined if malformed. */
function queryName(packet) {
  const labels = [];
  let offset = 12;
  while (offset < packet.length) {
    const length = packet[offset];
    if (length === 0) return labels.join('.');
    if (length === undefined || length > 63) return undefined;
    labels.push(packet.subarray(offset + 1, offset + 1 + length).toString('latin1'));
    offset += 1 + length;
  }
  return undefined;
}

/** The query echoed back as a response with RCODE 3 (NXDOMAIN) and no answers. */
function nxdomain(packet) {
  const reply = Buffer.from(packet);
  reply[2] = 0x80 | (packet[2] & 0x79); // QR=1, keep opcode and RD
  reply[3] = 0x80 | 0x03; // RA=1, RCODE=NXDOMAIN
  reply.writeUInt16BE(0, 6);
  reply.writeUInt16BE(0, 8);
  reply.writeUInt16BE(0, 10);
  return reply;
}

async function startDnsSink() {
  writeFileSync(config.dnsLog, '');
  writeFileSync(config.resolvConf, 'nameserver 127.0.0.1\noptions attempts:1 timeout:1\n');
  run('mount', ['--bind', config.resolvConf, '/etc/resolv.conf']);
  const sink = createSocket('udp4');
  sink.on('message', (packet, peer) => {
    if (packet.length < 12) return;
    appendFileSync(config.dnsLog, `${JSON.stringify({ name: queryName(packet) ?? '?' })}\n`);
    sink.send(nxdomain(packet), peer.port, peer.address);
  });
  await new Promise((resolve, reject) => {
    sink.once('error', reject);
    sink.bind(53, '127.0.0.1', resolve);
  });
  return sink;
}

async function startBridge() {
  const server = createServer((client) => {
    const host = createConnection(config.unixSocket);
    client.on('error', () => host.destroy());
    host.on('error', () => client.destroy());
    client.pipe(host);
    host.pipe(client);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.listenPort, '127.0.0.1', resolve);
  });
  return server;
}

async function main() {
  run('ip', ['link', 'set', 'lo', 'up']);
  const sink = await startDnsSink().catch((error) => fail(`DNS sink: ${error}`));
  const bridge = await startBridge().catch((error) => fail(`bridge: ${error}`));
  const child = spawn(config.command, config.args, { stdio: 'inherit', cwd: config.cwd, env: process.env });
  for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => fail(`could not start ${config.command}: ${error.message}`));
  child.on('exit', (code, signal) => {
    sink.close();
    bridge.close();
    process.exit(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15));
  });
}

main();
