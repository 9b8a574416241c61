// Runs one command and measures it: wall-clock seconds and the peak resident memory of its
// whole process tree, read from /proc while it runs, so a sync whose connectors run as child
// processes is measured as the sum of its processes.
//
// What "the sum" means: the memory of the processes that exist at the same moment. At each
// poll the VmHWM (each process's own peak so far) of the processes alive at that moment is
// added up, and the largest such sum over the run is the result. Summing every pid's VmHWM
// over the whole run instead would add up short commands that ran one after another (a
// sync's spec, check and discover children) as if they ran at once. VmHWM rather than VmRSS:
// a process's peak between two polls is not missed, so the figure is an upper bound of the
// true peak of the sum (each process counted at its own peak so far, which may not be the
// same instant), never below it. The VmRSS sum at each poll, the lower bound, is kept as
// `peakRssNowMib` for comparison.
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

/** A process's VmHWM and VmRSS in KiB (zeros once it is gone). */
function memoryKib(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
    const rss = /VmRSS:\s+(\d+) kB/.exec(status);
    return { hwm: hwm ? Number(hwm[1]) : 0, rss: rss ? Number(rss[1]) : 0 };
  } catch {
    return { hwm: 0, rss: 0 };
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
 * @returns {Promise<{seconds: number, peakRssMib: number, peakRssNowMib: number,
 *   processes: number, stdout: string, stderr: string}>}
 */
export function measure(command, options = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('bash', ['-c', command], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let peakKib = 0;
    let peakNowKib = 0;
    const pids = new Set();
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
      let hwmSum = 0;
      let rssSum = 0;
      for (const pid of seen) {
        // A bash that stays as the launcher (a pipe, a heredoc) is not part of the work; a
        // plain `bash -c cmd` execs into cmd, and then the root process is the work itself.
        if (pid === child.pid && commandName(pid) === 'bash') continue;
        const { hwm, rss } = memoryKib(pid);
        if (hwm === 0) continue;
        pids.add(pid);
        hwmSum += hwm;
        rssSum += rss;
      }
      if (hwmSum > peakKib) peakKib = hwmSum;
      if (rssSum > peakNowKib) peakNowKib = rssSum;
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
      resolve({
        seconds,
        peakRssMib: peakKib / 1024,
        peakRssNowMib: peakNowKib / 1024,
        processes: pids.size,
        stdout,
        stderr,
      });
    });
  });
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
