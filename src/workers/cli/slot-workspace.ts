import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The directories of one slot. HOME lasts as long as the worker (Claude Code keeps its config
 * there, and sessions when they are persisted); the working directory and TMPDIR are emptied
 * before every job, so files one caller's job wrote never reach the next caller.
 */
export interface SlotWorkspace {
  index: number;
  home: string;
  cwd: string;
  tmpDir: string;
}

export function slotWorkspaces(workDir: string, slots: number): SlotWorkspace[] {
  return Array.from({ length: slots }, (_, index) => {
    const root = join(workDir, `slot-${index}`);
    return { index, home: join(root, 'home'), cwd: join(root, 'work'), tmpDir: join(root, 'tmp') };
  });
}

/** Fresh working and temporary directories, and the system prompt file when there is system text. */
export async function prepareWorkspace(workspace: SlotWorkspace, systemText: string | undefined): Promise<string | undefined> {
  await Promise.all([rm(workspace.cwd, { recursive: true, force: true }), rm(workspace.tmpDir, { recursive: true, force: true })]);
  await Promise.all([
    mkdir(workspace.home, { recursive: true, mode: 0o700 }),
    mkdir(workspace.cwd, { recursive: true, mode: 0o700 }),
    mkdir(workspace.tmpDir, { recursive: true, mode: 0o700 }),
  ]);
  if (systemText === undefined) return undefined;
  // Outside the working directory, where Claude's file tools start looking.
  const file = join(workspace.tmpDir, 'append-system-prompt.txt');
  await writeFile(file, systemText, { mode: 0o600 });
  return file;
}
