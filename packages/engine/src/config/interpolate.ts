const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Where an env reference could not be filled: the variable and the config path holding it. */
export interface MissingVariable {
  name: string;
  path: string;
}

/**
 * Replaces every `${env:NAME}` in the string values of a parsed config. Done on the parsed
 * tree rather than the text, so a value can never inject YAML. Every value filled in is
 * returned as a secret: the engine masks it wherever text leaves the process.
 */
export function interpolateEnv(
  value: unknown,
  env: Record<string, string | undefined>,
  path = '',
): { value: unknown; secrets: string[]; missing: MissingVariable[] } {
  const secrets: string[] = [];
  const missing: MissingVariable[] = [];
  const visit = (node: unknown, at: string): unknown => {
    if (typeof node === 'string') {
      return node.replace(ENV_REF, (_ref, name: string) => {
        const filled = env[name];
        if (filled === undefined) {
          missing.push({ name, path: at });
          return '';
        }
        secrets.push(filled);
        return filled;
      });
    }
    if (Array.isArray(node)) return node.map((item, i) => visit(item, `${at}[${i}]`));
    if (node && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(node))
        out[key] = visit(item, at ? `${at}.${key}` : key);
      return out;
    }
    return node;
  };
  return { value: visit(value, path), secrets, missing };
}
