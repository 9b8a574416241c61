// Runs one command and measures it: wall-clock seconds and the peak resident memory of its
// whole process tree (every process's VmHWM added up, read from /proc while it runs), so a
// sync whose connectors run as child processes is measured as the sum of its processes.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const POLL_MS = 20;

function childrenOf(pid) {
  const out = [];
  let tasks = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const task of tasks) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    } catch {}
  }
  return out;
}

function peakKib(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function commandName(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/**
 * @param {string} command shell command
 * @param {{cwd?: string, env?: Record<string,string>}} options
 * @returns {Promise<{seconds: number, peakRssMib: number, stdout: string, stderr: string}>}
 */
export function measure(command, options = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('bash', ['-c', command], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const peaks = new Map();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout.length > 1e6) stdout = stdout.slice(-5e5);
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      if (stderr.length > 1e6) stderr = stderr.slice(-5e5);
    });
    const poll = () => {
      const seen = [child.pid];
      for (let i = 0; i < seen.length; i++) seen.push(...childrenOf(seen[i]));
      for (const pid of seen) {
        const kib = peakKib(pid);
        // A bash that stays as the launcher (a pipe, a heredoc) is not part of the work; a
        // plain `bash -c cmd` execs into cmd, and then the root process is the work itself.
        if (pid === child.pid && commandName(pid) === 'bash') continue;
        if (kib > (peaks.get(pid) ?? 0)) peaks.set(pid, kib);
      }
    };
    const timer = setInterval(poll, POLL_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) {
        reject(new Error(`command failed (${code}): ${command}\n${stderr.slice(-2000)}`));
        return;
      }
      const kib = [...peaks.values()].reduce((a, b) => a + b, 0);
      resolve({ seconds, peakRssMib: kib / 1024, stdout, stderr });
    });
  });
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
