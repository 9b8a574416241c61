import { readdir, readFile } from 'node:fs/promises';

/**
 * A command connector runs as the leader of its own process group, and every signal goes to
 * the whole group. Signalling the leader alone left what it started running: a wrapper
 * script's program outlived a time limit and held the pipes open, so the sync hung.
 */

/** Groups started and not yet closed: the host's exit takes them along. */
const openGroups = new Set<number>();
let exitHooked = false;

/** Keeps a group to be killed if this process exits before `closeGroup`. */
export function openGroup(pgid: number): void {
  openGroups.add(pgid);
  if (exitHooked) return;
  exitHooked = true;
  // `process.exit` (a second Ctrl-C) skips every cleanup; a group in its own session no
  // longer gets the terminal's SIGINT, so it would live on without this.
  process.on('exit', () => {
    for (const group of openGroups) signalGroup(group, 'SIGKILL');
  });
}

/** Forgets a group whose run has ended. */
export function closeGroup(pgid: number): void {
  openGroups.delete(pgid);
}

/** Sends a signal to every process of a group; false when none is left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * The resident memory of a process tree in MiB (Linux /proc): the root, its descendants and
 * the other members of its process group (a daemonised helper is reparented to init but
 * stays in the group). Undefined once nothing of it is left.
 */
export async function treeResidentMib(root: number): Promise<number | undefined> {
  let kib = 0;
  let found = false;
  for (const pid of await processTree(root)) {
    const rss = await residentKib(pid);
    if (rss === undefined) continue;
    kib += rss;
    found = true;
  }
  return found ? kib / 1024 : undefined;
}

/** The pids of a tree as `treeResidentMib` counts it, root first when it still exists. */
export async function processTree(root: number): Promise<number[]> {
  const children = new Map<number, number[]>();
  const members = new Set<number>();
  let names: string[];
  try {
    names = await readdir('/proc');
  } catch {
    return [];
  }
  for (const name of names) {
    const code = name.charCodeAt(0);
    if (code < 48 || code > 57) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => undefined);
    if (stat === undefined) continue;
    // `pid (comm) state ppid pgrp …`; comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') continue; // a zombie holds no memory
    const pid = Number(name);
    const ppid = Number(fields[1]);
    if (Number(fields[2]) === root || pid === root) members.add(pid);
    const siblings = children.get(ppid);
    if (siblings) siblings.push(pid);
    else children.set(ppid, [pid]);
  }
  const queue = members.has(root) ? [root] : [];
  for (let i = 0; i < queue.length; i++) {
    for (const child of children.get(queue[i]!) ?? []) {
      members.add(child);
      queue.push(child);
    }
  }
  return [...members].sort((a, b) => (a === root ? -1 : b === root ? 1 : a - b));
}

async function residentKib(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}
