import { access, constants, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '@tributary/core';
import { glob, isDynamicPattern } from 'tinyglobby';
import type { FileStreamConfig } from './config.js';

/**
 * The files of a stream, in sorted order, as paths relative to the working directory when
 * the configured path was. Throws a ConfigError naming the stream and the path when nothing
 * matches or a matched file cannot be read, so a typo never reads as an empty stream.
 */
export async function resolveFiles(
  stream: FileStreamConfig,
  cwd = process.cwd(),
): Promise<string[]> {
  const files = isDynamicPattern(stream.path)
    ? (
        await glob(stream.path, {
          cwd,
          onlyFiles: true,
          expandDirectories: false,
          absolute: isAbsolute(stream.path),
        })
      ).sort()
    : [stream.path];
  if (files.length === 0) {
    throw new ConfigError(`stream '${stream.name}': no file matches '${stream.path}'`, [], {
      stream: stream.name,
      file: stream.path,
    });
  }
  for (const file of files) await assertReadable(stream.name, resolve(cwd, file), file);
  return files;
}

async function assertReadable(streamName: string, absolute: string, file: string): Promise<void> {
  try {
    const info = await stat(absolute);
    if (!info.isFile()) throw new Error('not a regular file');
    await access(absolute, constants.R_OK);
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'does not exist'
        : String((error as Error).message);
    throw new ConfigError(`stream '${streamName}': file '${file}' ${reason}`, [], {
      stream: streamName,
      file,
    });
  }
}
