const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** A part of a variable's name (split at `_`) that ends with one of these marks a secret. */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIALS?)$/i;

/**
 * Whether a variable's value is a secret by its name alone: `DB_PASSWORD`, `SHOP_TOKEN`,
 * `AWS_SECRET_ACCESS_KEY`, `PGPASSWORD`, `APIKEY`. A value that fills a secret-marked field
 * of a connector is a secret whatever its variable's name; the engine learns that from the
 * connector's spec. Any other value (a path, a year) is plain: masking it would garble
 * every message and state that happens to contain it.
 */
export function isSecretVariable(name: string): boolean {
  return name.split('_').some((part) => SECRET_NAME.test(part));
}

/** Where an env reference could not be filled: the variable and the config path holding it. */
export interface MissingVariable {
  name: string;
  path: string;
}

/**
 * Replaces every `${env:NAME}` in the string values of a parsed config. Done on the parsed
 * tree rather than the text, so a value can never inject YAML. A value whose variable is
 * named as a secret (`isSecretVariable`) is returned as one: the engine masks it wherever
 * text leaves the process.
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
        if (isSecretVariable(name)) secrets.push(filled);
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
