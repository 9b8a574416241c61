/**
 * Fills the `default` values of a plain JSON Schema into a copy of a config. TypeBox fills
 * defaults only for its own schema objects; the schema of a command connector arrives as
 * JSON from its `spec`, and without this every defaulted field would read as missing.
 * Covers what connector specs use: object properties (nested) and array items.
 */
export function withJsonDefaults(schema: unknown, value: unknown): unknown {
  if (!schema || typeof schema !== 'object') return value;
  const s = schema as {
    type?: unknown;
    properties?: Record<string, unknown>;
    items?: unknown;
  };
  if (Array.isArray(value)) {
    return s.items === undefined ? value : value.map((item) => withJsonDefaults(s.items, item));
  }
  if (!value || typeof value !== 'object' || !s.properties) return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [key, property] of Object.entries(s.properties)) {
    const fallback = (property as { default?: unknown } | undefined)?.default;
    if (out[key] === undefined && fallback !== undefined) out[key] = structuredClone(fallback);
    if (out[key] !== undefined) out[key] = withJsonDefaults(property, out[key]);
  }
  return out;
}
