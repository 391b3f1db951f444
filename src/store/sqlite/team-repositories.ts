import type { Kysely, Selectable } from 'kysely';
import type { Policy } from '../../governance/policy.js';
import type { OrgRole, ServiceAccountRecord, TeamMembershipRecord, TeamRecord, TeamRole, UserRecord } from '../governance-records.js';
import type { MembershipRepository, ServiceAccountRepository, TeamRepository, UserRepository } from '../governance-repositories.js';
import type { Database } from './schema.js';

export class SqliteTeamRepository implements TeamRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(record: TeamRecord): Promise<void> {
    await this.db.insertInto('teams').values(toTeamRow(record)).execute();
  }

  async update(record: TeamRecord): Promise<void> {
    const { id, ...row } = toTeamRow(record);
    await this.db.updateTable('teams').set(row).where('id', '=', id).execute();
  }

  async findById(id: string): Promise<TeamRecord | undefined> {
    const row = await this.db.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toTeam(row);
  }

  async findByName(orgId: string, name: string): Promise<TeamRecord | undefined> {
    const row = await this.db.selectFrom('teams').selectAll().where('org_id', '=', orgId).where('name', '=', name).executeTakeFirst();
    return row === undefined ? undefined : toTeam(row);
  }

  async list(orgId: string): Promise<TeamRecord[]> {
    return (await this.db.selectFrom('teams').selectAll().where('org_id', '=', orgId).orderBy('name').execute()).map(toTeam);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('teams').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function toTeamRow(record: TeamRecord): Database['teams'] {
  return {
    id: record.id,
    org_id: record.orgId,
    name: record.name,
    description: record.description,
    limits: JSON.stringify(record.limits),
    policy: JSON.stringify(record.policy),
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

function toTeam(row: Selectable<Database['teams']>): TeamRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    description: row.description,
    limits: JSON.parse(row.limits) as Policy,
    policy: JSON.parse(row.policy) as Policy,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export class SqliteUserRepository implements UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(record: UserRecord): Promise<void> {
    await this.db.insertInto('users').values(toUserRow(record)).execute();
  }

  async update(record: UserRecord): Promise<void> {
    const { id, ...row } = toUserRow(record);
    await this.db.updateTable('users').set(row).where('id', '=', id).execute();
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toUser(row);
  }

  async findByEmail(orgId: string, email: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('org_id', '=', orgId).where('email', '=', email.toLowerCase()).executeTakeFirst();
    return row === undefined ? undefined : toUser(row);
  }

  async list(orgId: string): Promise<UserRecord[]> {
    return (await this.db.selectFrom('users').selectAll().where('org_id', '=', orgId).orderBy('email').execute()).map(toUser);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function toUserRow(record: UserRecord): Database['users'] {
  return {
    id: record.id,
    org_id: record.orgId,
    name: record.name,
    email: record.email.toLowerCase(),
    role: record.role,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    disabled_at: record.disabledAt,
  };
}

function toUser(row: Selectable<Database['users']>): UserRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    email: row.email,
    role: row.role as OrgRole,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    disabledAt: row.disabled_at === null ? null : Number(row.disabled_at),
  };
}

export class SqliteMembershipRepository implements MembershipRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async put(record: TeamMembershipRecord): Promise<void> {
    await this.db
      .insertInto('team_members')
      .values({ team_id: record.teamId, user_id: record.userId, role: record.role, created_at: record.createdAt })
      .onConflict((conflict) => conflict.columns(['team_id', 'user_id']).doUpdateSet({ role: record.role }))
      .execute();
  }

  async remove(teamId: string, userId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('team_members').where('team_id', '=', teamId).where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async listByTeam(teamId: string): Promise<TeamMembershipRecord[]> {
    return (await this.db.selectFrom('team_members').selectAll().where('team_id', '=', teamId).orderBy('created_at').execute()).map(toMembership);
  }

  async listByUser(userId: string): Promise<TeamMembershipRecord[]> {
    return (await this.db.selectFrom('team_members').selectAll().where('user_id', '=', userId).orderBy('created_at').execute()).map(toMembership);
  }
}

function toMembership(row: Selectable<Database['team_members']>): TeamMembershipRecord {
  return { teamId: row.team_id, userId: row.user_id, role: row.role as TeamRole, createdAt: Number(row.created_at) };
}

export class SqliteServiceAccountRepository implements ServiceAccountRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(record: ServiceAccountRecord): Promise<void> {
    await this.db.insertInto('service_accounts').values(toServiceAccountRow(record)).execute();
  }

  async update(record: ServiceAccountRecord): Promise<void> {
    const { id, ...row } = toServiceAccountRow(record);
    await this.db.updateTable('service_accounts').set(row).where('id', '=', id).execute();
  }

  async findById(id: string): Promise<ServiceAccountRecord | undefined> {
    const row = await this.db.selectFrom('service_accounts').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toServiceAccount(row);
  }

  async findByName(teamId: string, name: string): Promise<ServiceAccountRecord | undefined> {
    const row = await this.db.selectFrom('service_accounts').selectAll().where('team_id', '=', teamId).where('name', '=', name).executeTakeFirst();
    return row === undefined ? undefined : toServiceAccount(row);
  }

  async list(orgId: string, teamId?: string): Promise<ServiceAccountRecord[]> {
    let select = this.db.selectFrom('service_accounts').selectAll().where('org_id', '=', orgId);
    if (teamId !== undefined) select = select.where('team_id', '=', teamId);
    return (await select.orderBy('created_at').execute()).map(toServiceAccount);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('service_accounts').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function toServiceAccountRow(record: ServiceAccountRecord): Database['service_accounts'] {
  return {
    id: record.id,
    org_id: record.orgId,
    team_id: record.teamId,
    name: record.name,
    description: record.description,
    created_at: record.createdAt,
    disabled_at: record.disabledAt,
  };
}

function toServiceAccount(row: Selectable<Database['service_accounts']>): ServiceAccountRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    teamId: row.team_id,
    name: row.name,
    description: row.description,
    createdAt: Number(row.created_at),
    disabledAt: row.disabled_at === null ? null : Number(row.disabled_at),
  };
}
