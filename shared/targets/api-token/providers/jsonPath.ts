/** Reads `a.b.0.c` from parsed JSON; `undefined` when any part is missing. */
export function readPath(value: unknown, path: string): unknown {
  let node = value;
  for (const part of path.split('.').filter((p) => p.length > 0)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Fills `{name}` placeholders in every string of a JSON template. Unknown names are left as they are. */
export function fillTemplate(template: unknown, values: Readonly<Record<string, string>>): unknown {
  if (typeof template === 'string') {
    return template.replace(/\{(\w+)\}/g, (match, key: string) => values[key] ?? match);
  }
  if (Array.isArray(template)) return template.map((item) => fillTemplate(item, values));
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fillTemplate(v, values)]));
  }
  return template;
}
