import { expect } from 'vitest';
import type { TestServer } from '../../support/test-server.js';

/** Calls the admin API with a given key; returns status and parsed body. */
export async function adminAs(server: TestServer, key: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** Owner-made setup through the real admin API, failing the test at the first refusal. */
export class Org {
  constructor(readonly server: TestServer) {}

  async team(name: string, extra: Record<string, unknown> = {}): Promise<any> {
    return this.ok('POST', '/api/admin/teams', { name, ...extra }, 201);
  }

  async person(name: string, email: string, role?: string): Promise<any> {
    return this.ok('POST', '/api/admin/users', { name, email, ...(role === undefined ? {} : { role }) }, 201);
  }

  async member(team: string, email: string, role: 'member' | 'team_admin' = 'member'): Promise<void> {
    await this.ok('PUT', `/api/admin/teams/${team}/members/${encodeURIComponent(email)}`, { role });
  }

  /** A key for a person acting for a team; returns the secret and its id. */
  async keyFor(email: string, team: string, extra: Record<string, unknown> = {}): Promise<{ key: string; id: string }> {
    const created = await this.ok('POST', '/api/admin/keys', { name: `${email}-${team}`, user: email, team, ...extra }, 201);
    return { key: created.key as string, id: created.apiKey.id as string };
  }

  async policy(team: string, policy: Record<string, unknown>): Promise<void> {
    await this.ok('PUT', `/api/admin/teams/${team}/policy`, { policy });
  }

  async limits(team: string, limits: Record<string, unknown>): Promise<void> {
    await this.ok('PUT', `/api/admin/teams/${team}/limits`, { limits });
  }

  /** A person in a team with a key acting for it, in one call. */
  async personWithKey(name: string, team: string, role: 'member' | 'team_admin' = 'member'): Promise<{ email: string; key: string; id: string }> {
    const email = `${name}@example.com`;
    await this.person(name, email);
    await this.member(team, email, role);
    return { email, ...(await this.keyFor(email, team)) };
  }

  async ok(method: string, path: string, body: unknown, status = 200): Promise<any> {
    const result = await this.server.admin(method, path, body);
    expect(result.status, `${method} ${path}: ${JSON.stringify(result.body)}`).toBe(status);
    return result.body;
  }
}
