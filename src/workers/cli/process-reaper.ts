import { readdir, readFile } from 'node:fs/promises';

/**
 * The environment variable that marks every process of one job. Claude Code's Bash tool starts
 * each command in a new session (observed with 2.1.197: `bash -c … eval 'sleep 37'` had its own
 * process group), so killing Claude Code's process group leaves those commands running, reparented
 * to init. They inherit the environment, though, so the tag still finds them.
 */
export const JOB_TAG_VARIABLE = 'AUXOT_CLAUDE_JOB';

/**
 * Processes whose environment carries `AUXOT_CLAUDE_JOB=<tag>`. Linux only (reads /proc); elsewhere,
 * and for other users' processes, nothing is found and only the process group is signalled.
 */
export async function findTaggedProcesses(tag: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir('/proc');
  } catch {
    return [];
  }
  const entry = `${JOB_TAG_VARIABLE}=${tag}`;
  const found = await Promise.all(
    names.filter((name) => /^\d+$/.test(name)).map(async (name) => {
      try {
        const environ = await readFile(`/proc/${name}/environ`, 'latin1');
        return environ.split('\0').includes(entry) ? Number(name) : undefined;
      } catch {
        return undefined;
      }
    }),
  );
  return found.filter((pid): pid is number => pid !== undefined && pid !== process.pid);
}

/** Sends `signal` to every tagged process; returns how many were signalled. */
export async function signalTaggedProcesses(tag: string, signal: NodeJS.Signals): Promise<number> {
  let signalled = 0;
  for (const pid of await findTaggedProcesses(tag)) {
    if (sendSignal(pid, signal)) signalled += 1;
  }
  return signalled;
}

/** `process.kill` without the throw: the target may have exited in the meantime. A negative pid is a process group. */
export function sendSignal(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}
