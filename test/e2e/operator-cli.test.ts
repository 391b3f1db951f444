import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { buildProgram } from '../../src/cli/program.js';
import { freePort, runAuxot, runAuxotAsync, startAuxotServe, type ServeProcess } from '../support/auxot-cli.js';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstreams/index.js';

const PACKAGE_VERSION = '0.1.0';


/** Every command path of the program (`providers add`, `worker gpu`, …) with its options. */
function commandPaths(): Array<{ path: string[]; command: CommandUnknownOpts }> {
  const program = buildProgram({ env: {}, print: () => undefined, write: async () => undefined, stdoutIsTerminal: false, stderrIsTerminal: false, version: PACKAGE_VERSION, readSecret: () => Promise.resolve('') }, () => undefined);
  const paths: Array<{ path: string[]; command: CommandUnknownOpts }> = [];
  const walk = (command: CommandUnknownOpts, path: string[]): void => {
    paths.push({ path, command });
    for (const child of command.commands) walk(child, [...path, child.name()]);
  };
  walk(program, []);
  return paths;
}

describe('the auxot CLI, as an operator meets it', () => {
  it('answers --help at every level with every flag, its environment variable and default, and examples', async () => {
    const paths = commandPaths();
    expect(paths.length).toBeGreaterThan(50);
    // The governance groups are there, each with its commands.
    const names = new Set(paths.map(({ path }) => path.join(' ')));
    for (const expected of [
      'teams list', 'teams create', 'teams show', 'teams update', 'teams delete', 'teams members', 'teams add-member', 'teams remove-member',
      'users list', 'users create', 'users show', 'users update', 'users delete',
      'service-accounts list', 'service-accounts create', 'service-accounts delete',
      'keys list', 'keys create', 'keys show', 'keys update', 'keys revoke',
      'policies show', 'policies set', 'policies clear', 'usage', 'audit list', 'audit requests', 'audit export',
    ]) {
      expect(names, expected).toContain(expected);
    }
    // Two at a time: each is a process start, and there are dozens.
    const helps = new Map<string, Awaited<ReturnType<typeof runAuxotAsync>>>();
    const queue = [...paths];
    await Promise.all(
      [0, 1].map(async () => {
        for (let next = queue.shift(); next !== undefined; next = queue.shift()) helps.set(next.path.join(' '), await runAuxotAsync([...next.path, '--help'], {}));
      }),
    );
    for (const { path, command } of paths) {
      const help = helps.get(path.join(' '));
      if (help === undefined) throw new Error(`no help for ${path.join(' ')}`);
      expect(help.status, `${path.join(' ')} --help: ${help.stderr}`).toBe(0);
      expect(help.stdout).toContain(`Usage: auxot${path.length === 0 ? '' : ` ${path.join(' ')}`}`);
      const flat = help.stdout.replace(/\s+/g, ' ');
      for (const option of command.options) {
        expect(flat, `${path.join(' ')} --help lists ${option.long}`).toContain(`${option.long} `);
        if (option.envVar !== undefined) expect(flat, `${option.long} names ${option.envVar}`).toContain(`env: ${option.envVar}`);
        if (option.defaultValue !== undefined) expect(flat, `${option.long} shows its default`).toContain(`default: ${JSON.stringify(option.defaultValue)}`);
      }
      if (command.commands.length === 0 && path.length > 0) expect(help.stdout, `${path.join(' ')} has examples`).toMatch(/Examples:\n {2}\$ .*auxot /);
    }
    // `auxot help <command>` is the same help.
    const viaHelp = runAuxot(['help', 'providers'], {});
    expect(viaHelp.status).toBe(0);
    expect(viaHelp.stdout).toContain('Usage: auxot providers');
  }, 240_000);

  it('prints its version', () => {
    for (const flag of ['--version', '-v']) {
      const result = runAuxot([flag], {});
      expect(result.status).toBe(0);
      expect(result.stdout.trim()).toBe(PACKAGE_VERSION);
    }
  });

  it('refuses unknown commands and flags with exit code 2 and the closest valid name', () => {
    const command = runAuxot(['provders', 'list'], {});
    expect(command.status).toBe(2);
    expect(command.stderr).toMatch(/unknown command 'provders'\n\(Did you mean providers\?\)/);
    const flag = runAuxot(['providers', 'add', 'x', '--kind', 'openai', '--modles', 'a'], {});
    expect(flag.status).toBe(2);
    expect(flag.stderr).toMatch(/unknown option '--modles'\n\(Did you mean --models\?\)/);
    const subcommand = runAuxot(['routes', 'sett', 'x'], {});
    expect(subcommand.status).toBe(2);
    expect(subcommand.stderr).toMatch(/unknown command 'sett'\n\(Did you mean set\?\)/);
    const noSubcommand = runAuxot(['keys'], {});
    expect(noSubcommand.status).toBe(2);
    expect(noSubcommand.stderr).toContain('Usage: auxot keys');
    const bare = runAuxot([], {});
    expect(bare.status).toBe(2);
    expect(bare.stderr).toContain('Usage: auxot');
  });

  it('refuses flags that do not apply to the command, and values that are not exactly what a flag takes', () => {
    const notApplicable = runAuxot(['providers', 'update', 'x', '--kind', 'openai', '--name', 'zzz'], {});
    expect(notApplicable.status).toBe(2);
    expect(notApplicable.stderr).toMatch(/unknown option '--kind'/);
    const strict = runAuxot(['providers', 'update', 'x', '--enabled', 'yes'], {});
    expect(strict.status).toBe(2);
    expect(strict.stderr).toMatch(/option '--enabled <boolean>' argument 'yes' is invalid\. expected true or false/);
    const badUrl = runAuxot(['providers', 'add', 'x', '--kind', 'openai-compatible', '--base-url', 'not a url'], {});
    expect(badUrl.status).toBe(2);
    expect(badUrl.stderr).toMatch(/option '--base-url <url>' argument 'not a url' is invalid/);
    const badNumber = runAuxot(['requests', '--limit', '0'], {});
    expect(badNumber.status).toBe(2);
    expect(badNumber.stderr).toMatch(/--limit <n>' argument '0' is invalid\. expected a whole number greater than 0/);
    const gpuMix = runAuxot(['worker', 'gpu', '--upstream', 'http://127.0.0.1:1/v1', '--context-size', '512', '--key', 'axw_x'], {});
    expect(gpuMix.status).toBe(2);
    expect(gpuMix.stderr).toMatch(/--context-size apply to --model, not --upstream/);
    const both = runAuxot(['worker', 'gpu', '--upstream', 'http://127.0.0.1:1/v1', '--model', 'x.gguf'], {});
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/cannot be used with option '--upstream/);
    const noKey = runAuxot(['worker', 'cli'], {});
    expect(noKey.status).toBe(2);
    expect(noKey.stderr).toMatch(/a worker needs its key: set AUXOT_WORKER_KEY/);
    const badEnv = runAuxot(['serve'], { AUXOT_LOG_LEVEL: 'loud' });
    expect(badEnv.status).toBe(2);
    expect(badEnv.stderr).toMatch(/option '--log-level <level>' value 'loud' from env 'AUXOT_LOG_LEVEL' is invalid\. Allowed choices are debug, info, warn, error, silent/);
  });

  it('says in one line when --url answers something that is not Auxot', async () => {
    const html: Server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>'));
    await new Promise<void>((resolve) => html.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(html.address() as AddressInfo).port}`;
      const result = await runAuxotAsync(['providers', 'list', '--url', url, '--key', 'axk_whatever-key'], {});
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(`error: ${url} answered HTTP 200 with text/html, not Auxot's JSON API; check --url (AUXOT_URL) points at an Auxot server\n`);
      const closedPort = await freePort();
      const refused = runAuxot(['keys', 'list', '--url', `http://127.0.0.1:${closedPort}`, '--key', 'axk_whatever-key'], {});
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/^error: cannot reach Auxot at http:\/\/127\.0\.0\.1:\d+ \(.*ECONNREFUSED.*\); is `auxot serve` running there\? Set --url or AUXOT_URL\.\n$/);
      const noKey = await runAuxotAsync(['keys', 'list', '--url', url], {});
      expect(noKey.stderr).toMatch(/no admin key: set AUXOT_ADMIN_KEY/);
    } finally {
      await new Promise((resolve) => html.close(resolve));
    }
  });

  describe('against a running server', () => {
    let upstream: MockUpstream;
    let server: ServeProcess;
    let env: Record<string, string>;
    beforeAll(async () => {
      upstream = await startMockUpstream({ dialect: 'openai', requireApiKey: 'sk-vllm-secret', models: ['qwen3-coder', 'qwen3-32b'] });
      server = await startAuxotServe(['--data-dir', mkdtempSync(join(tmpdir(), 'auxot-opcli-'))], { AUXOT_ADMIN_KEY: 'axk_opcli-owner-key-0123-a9b8c7d6e5f4a3b2' });
      env = { AUXOT_URL: server.url, AUXOT_ADMIN_KEY: 'axk_opcli-owner-key-0123-a9b8c7d6e5f4a3b2', VLLM_KEY: 'sk-vllm-secret' };
    }, 60_000);
    afterAll(async () => {
      await server?.stop();
      await upstream?.close();
    });

    it('names the flag in errors the server reports', () => {
      const unreachable = runAuxot(['providers', 'add', 'x', '--kind', 'openai-compatible', '--base-url', 'http://127.0.0.1:1/v1'], env);
      expect(unreachable.status).toBe(1);
      expect(unreachable.stderr).toMatch(/^error: HTTP 400: --models: A openai-compatible provider needs a list of models, and its server did not list them \(.*\)\n$/);
      const badName = runAuxot(['providers', 'add', 'bad name!', '--kind', 'gpu-worker', '--models', 'm'], env);
      expect(badName.status).toBe(1);
      expect(badName.stderr).toMatch(/--name: use 1-63 letters/);
      const nothing = runAuxot(['providers', 'update', 'nope'], env);
      expect(nothing.status).toBe(2);
      expect(nothing.stderr).toMatch(/nothing to change/);
    }, 60_000);

    it('lists an OpenAI-compatible server\'s models when added without --models, shows tables on request, JSON by default off a terminal', async () => {
      const added = await runAuxotAsync(['providers', 'add', 'vllm', '--kind', 'openai-compatible', '--base-url', upstream.baseUrl, '--api-key-env', 'VLLM_KEY', '--max-concurrency', '4'], env);
      expect(added.status, added.stderr).toBe(0);
      expect(JSON.parse(added.stdout)).toMatchObject({ name: 'vllm', models: ['qwen3-coder', 'qwen3-32b'], settings: { maxConcurrency: 4 } });
      // Changing one setting keeps the others.
      const updated = runAuxot(['providers', 'update', 'vllm', '--idle-timeout-ms', '5000', '--json'], env);
      expect(JSON.parse(updated.stdout).settings).toEqual({ maxConcurrency: 4, idleTimeoutMs: 5000 });
      const tableOut = runAuxot(['providers', 'list', '--table'], env);
      expect(tableOut.status).toBe(0);
      const [head, row] = tableOut.stdout.split('\n');
      expect(head).toMatch(/^NAME\s+KIND\s+TIER\s+STATE\s+IN FLIGHT\s+MODELS\s+BASE URL\s+KEY$/);
      expect(row).toMatch(/^vllm\s+openai-compatible\s+cloud\s+ready\s+0\/4\s+qwen3-coder, qwen3-32b\s+http:\/\/127\.0\.0\.1:\d+\/v1\s+set$/);
      expect(tableOut.stdout).not.toContain('sk-vllm-secret');
      expect(JSON.parse(runAuxot(['providers', 'list'], env).stdout).data[0].name).toBe('vllm');
    }, 60_000);

    it('auxot requests: filters, paging, one request in full, with names, readable times and rounded durations', async () => {
      const created = JSON.parse(runAuxot(['keys', 'create', 'nightly', '--service-class', 'batch', '--expires-in', '30d'], env).stdout);
      expect(created.apiKey.expiresAt).not.toBeNull();
      const client = new OpenAI({ baseURL: `${server.url}/api/openai/v1`, apiKey: created.key, maxRetries: 0 });
      upstream.enqueue({ kind: 'turn', turn: { text: 'one' } }, { kind: 'turn', turn: { text: 'two' } });
      await client.chat.completions.create({ model: 'qwen3-coder', messages: [{ role: 'user', content: 'hi' }] });
      await client.chat.completions.create({ model: 'qwen3-32b', messages: [{ role: 'user', content: 'hi' }] });
      await expect(client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow();

      const all = JSON.parse(runAuxot(['requests', '--caller', 'nightly'], env).stdout).data;
      expect(all.map((record: { status: number }) => record.status)).toEqual([404, 200, 200]);
      const errors = JSON.parse(runAuxot(['requests', '--status', 'error'], env).stdout).data;
      expect(errors.map((record: { route: string | null; modelRequested: string }) => record.modelRequested)).toEqual(['no-such-model']);
      const byProvider = JSON.parse(runAuxot(['requests', '--provider', 'vllm', '--status', '2xx'], env).stdout).data;
      expect(byProvider).toHaveLength(2);
      const page = JSON.parse(runAuxot(['requests', '--caller', 'nightly', '--limit', '1', '--before', all[0].id], env).stdout).data;
      expect(page.map((record: { id: string }) => record.id)).toEqual([all[1].id]);
      const recent = JSON.parse(runAuxot(['requests', '--since', '1h', '--route', 'qwen3-32b'], env).stdout).data;
      expect(recent).toHaveLength(1);
      expect(runAuxot(['requests', '--caller', 'nobody'], env).stderr).toMatch(/--caller: no API key named 'nobody'/);
      expect(runAuxot(['requests', '--provider', 'nope'], env).stderr).toMatch(/HTTP 400: --provider: No provider 'nope'/);

      const listing = runAuxot(['requests', '--caller', 'nightly', '--table', '--limit', '2'], env);
      expect(listing.stdout).toMatch(/^TIME\s+ID\s+CALLER\s+ROUTE\s+PROVIDER \/ MODEL\s+WORKER\s+STATUS\s+TOKENS IN→OUT\s+FIRST BYTE\s+TOTAL\n/);
      expect(listing.stdout).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \((just now|\d+s ago)\)\s+req_\S+\s+nightly\s+no-such-model\s+-\s+-\s+404/);
      expect(listing.stdout).toMatch(/nightly\s+qwen3-32b\s+vllm \/ qwen3-32b\s+-\s+200\s+\d+→\d+\s+\d+ ms\s+\d+ ms/);
      expect(listing.stdout).toContain(`older: auxot requests --before ${all[1].id}`);

      const one = runAuxot(['requests', all[1].id, '--table'], env);
      expect(one.status, one.stderr).toBe(0);
      expect(one.stdout).toMatch(/^id:\s+req_/);
      expect(one.stdout).toMatch(/\ncaller:\s+nightly\n/);
      expect(one.stdout).toMatch(/\nprovider:\s+vllm\n/);
      expect(one.stdout).toMatch(/\ntotal:\s+\d+ ms\n/);
      expect(one.stdout).toMatch(/routing decision:\nCANDIDATE\s+TIER\s+OUTCOME\s+REASON\nvllm:qwen3-32b\s+cloud\s+used/);
      const filtersOnOne = runAuxot(['requests', all[1].id, '--status', 'ok'], env);
      expect(filtersOnOne.status).toBe(2);
    }, 120_000);
  });
});
