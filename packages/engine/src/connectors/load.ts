import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, type Destination, isConnector, type Source } from '@tributary/core';
import type { ConnectorRef } from '../config/schema.js';
import { commandDestination, commandSource } from './command-connector.js';

/** Where to look for connector packages, first match wins. */
export interface ResolveOptions {
  /** Looked at first: a project's own node_modules. Defaults to process.cwd(). */
  cwd?: string;
  /** Then these modules' own dependencies (a host passes its `import.meta.url`). */
  resolveFrom?: string[];
}

/**
 * Opens the connector a sync names: by `package`, loaded in process (no serialization); by
 * `command`, run as a child process speaking the Airbyte protocol, behind the same Source
 * or Destination contract, so the engine's pipe does not know the difference. A relative
 * command path resolves against the cwd.
 */
export async function openConnector(
  ref: ConnectorRef,
  role: 'source',
  options?: ResolveOptions,
): Promise<Source>;
export async function openConnector(
  ref: ConnectorRef,
  role: 'destination',
  options?: ResolveOptions,
): Promise<Destination>;
export async function openConnector(
  ref: ConnectorRef,
  role: 'source' | 'destination',
  options: ResolveOptions = {},
): Promise<Source | Destination> {
  if (ref.command !== undefined) {
    const command = {
      argv: ref.command,
      role,
      cwd: options.cwd ?? process.cwd(),
      ...(ref.limits === undefined ? {} : { limits: ref.limits }),
    };
    return role === 'source' ? commandSource(command) : commandDestination(command);
  }
  if (ref.package === undefined) {
    throw new ConfigError(`the ${role} names neither a 'package' nor a 'command'`);
  }
  return role === 'source'
    ? loadConnector(ref.package, 'source', options)
    : loadConnector(ref.package, 'destination', options);
}

/**
 * Loads a connector by package name with a dynamic import, never a static one: the engine
 * knows connectors only through core's contracts. The project (cwd) wins over the host's
 * bundled connectors, so a user can pin another version. Takes the export named after the
 * role (`source` / `destination`), else the default export.
 */
export async function loadConnector(
  packageName: string,
  role: 'source',
  options?: ResolveOptions,
): Promise<Source>;
export async function loadConnector(
  packageName: string,
  role: 'destination',
  options?: ResolveOptions,
): Promise<Destination>;
export async function loadConnector(
  packageName: string,
  role: 'source' | 'destination',
  options: ResolveOptions = {},
): Promise<Source | Destination> {
  const resolved = resolvePackage(packageName, options);
  const mod = await importConnector(packageName, resolved);
  const candidate = mod[role] ?? mod.default;
  if (!isConnector(candidate) || candidate.role !== role) {
    throw new ConfigError(`package '${packageName}' does not export a ${role} connector`);
  }
  return candidate;
}

/**
 * Imports a resolved connector module. A file that is no module (`./s.csv`), has a syntax
 * error or throws while loading is the config's fault, not a bug of tributary: one line
 * names the package and why, where the import's own error would print a stack.
 */
async function importConnector(
  packageName: string,
  resolved: string,
): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(
      `cannot load connector package '${packageName}' (${resolved}): ${importFailure(error)}`,
      [],
      { package: packageName, path: resolved },
    );
  }
}

/** Why an import failed, in one line: the error's kind and the first line of its message. */
function importFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ERR_UNKNOWN_FILE_EXTENSION') return `not a JavaScript module (${error.message})`;
  return `${error.name}: ${error.message.split('\n')[0] ?? ''}`;
}

function resolvePackage(packageName: string, options: ResolveOptions): string {
  const cwd = options.cwd ?? process.cwd();
  const bases = [path.join(cwd, 'package.json'), ...(options.resolveFrom ?? []), import.meta.url];
  const isPath = packageName.startsWith('.') || path.isAbsolute(packageName);
  const target = isPath ? path.resolve(cwd, packageName) : packageName;
  if (isPath) {
    const folderEntry = packageFolderEntry(target);
    if (folderEntry) return folderEntry;
  }
  for (const base of bases) {
    try {
      return createRequire(base).resolve(target);
    } catch {
      // Not reachable from this base; the next one may have it.
    }
  }
  throw new ConfigError(
    `cannot find connector package '${packageName}' (looked in ${cwd} and the runner's own packages)`,
  );
}

/**
 * A path to a package folder resolves through the package's own `exports` (its name looked
 * up from inside the folder), as `import 'the-package'` would: connector packages declare
 * `exports`, not `main`, so a plain folder resolution finds nothing.
 */
function packageFolderEntry(folder: string): string | undefined {
  const manifest = path.join(folder, 'package.json');
  let name: unknown;
  try {
    name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
  } catch {
    return undefined; // not a package folder: resolved as a file path
  }
  if (typeof name !== 'string') return undefined;
  try {
    return createRequire(manifest).resolve(name);
  } catch {
    return undefined;
  }
}
