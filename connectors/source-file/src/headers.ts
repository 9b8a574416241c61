import { ConfigError } from '@tributary/core';

/**
 * The column names of a CSV header. Duplicate or empty names would make one record key
 * overwrite another (silent data loss), so by default they fail, naming every culprit by its
 * 1-based position; `rename` suffixes a duplicate with its occurrence (`phone_2`) and names
 * an empty header after its position (`column_5`).
 */
export function columnNames(
  header: readonly string[],
  mode: 'fail' | 'rename',
  where: { stream: string; file: string },
): string[] {
  if (mode === 'fail') {
    assertUnique(header, where);
    return [...header];
  }
  const taken = new Set(header.filter((h) => h !== ''));
  const seen = new Map<string, number>();
  return header.map((name, i) => {
    if (name === '') return unique(`column_${i + 1}`, taken);
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : unique(`${name}_${count}`, taken);
  });
}

function unique(candidate: string, taken: Set<string>): string {
  let name = candidate;
  for (let k = 2; taken.has(name); k++) name = `${candidate}_${k}`;
  taken.add(name);
  return name;
}

function assertUnique(header: readonly string[], where: { stream: string; file: string }): void {
  const positions = new Map<string, number[]>();
  header.forEach((name, i) => {
    const list = positions.get(name) ?? [];
    list.push(i + 1);
    positions.set(name, list);
  });
  const issues: string[] = [];
  for (const [name, at] of positions) {
    if (name === '') issues.push(`empty header at position ${at.join(', ')}`);
    else if (at.length > 1) issues.push(`duplicate header "${name}" at positions ${at.join(', ')}`);
  }
  if (issues.length === 0) return;
  throw new ConfigError(
    `stream '${where.stream}', file '${where.file}' line 1: ${issues.join('; ')} ` +
      `(set duplicate_headers: rename to read them as distinct columns)`,
    [],
    { ...where, line: 1 },
  );
}
