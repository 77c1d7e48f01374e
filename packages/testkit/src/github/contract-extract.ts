type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Document = {
  openapi: string;
  info: Json;
  paths: Record<string, Record<string, Json>>;
  components: Record<string, Record<string, Json>>;
};

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * The part of an OpenAPI document that `operationIds` need: their paths (with path-level
 * parameters), and every component they reference, transitively. Examples are left out: they are
 * large and validation never reads them.
 */
export function extractOperations(document: Document, operationIds: readonly string[]): Document {
  const wanted = new Set(operationIds);
  const paths: Document['paths'] = {};
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [key, value] of Object.entries(item)) {
      if (!METHODS.includes(key) || !wanted.has((value as { operationId?: string }).operationId ?? '')) continue;
      paths[path] ??= item.parameters ? { parameters: item.parameters } : {};
      (paths[path] as Record<string, Json>)[key] = withoutExamples(value);
      wanted.delete((value as { operationId: string }).operationId);
    }
  }
  if (wanted.size > 0) throw new Error(`operations not found in the description: ${[...wanted].join(', ')}`);

  const components: Document['components'] = {};
  const queue: Json[] = [paths as unknown as Json];
  while (queue.length > 0) {
    const node = queue.pop();
    if (Array.isArray(node)) queue.push(...node);
    else if (node && typeof node === 'object') {
      const ref = node.$ref;
      if (typeof ref === 'string') {
        const [, , kind, name] = ref.split('/');
        if (!kind || !name) throw new Error(`unsupported $ref ${ref}`);
        components[kind] ??= {};
        if (!(name in (components[kind] as object))) {
          const target = withoutExamples(document.components[kind]?.[name] ?? null);
          if (target === null) throw new Error(`dangling $ref ${ref}`);
          (components[kind] as Record<string, Json>)[name] = target;
          queue.push(target);
        }
      }
      for (const value of Object.values(node)) queue.push(value);
    }
  }
  const sorted = Object.fromEntries(
    Object.entries(components)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, entries]) => [
        kind,
        Object.fromEntries(Object.entries(entries).sort(([a], [b]) => a.localeCompare(b))),
      ]),
  );
  return { openapi: document.openapi, info: document.info, paths: sortKeys(paths), components: sorted };
}

/** Drops `example` and `examples` keywords; in a `properties` map those words are field names and stay. */
function withoutExamples(node: Json, isPropertyMap = false): Json {
  if (Array.isArray(node)) return node.map((item) => withoutExamples(item));
  if (!node || typeof node !== 'object') return node;
  const copy: Record<string, Json> = {};
  for (const [key, value] of Object.entries(node)) {
    if (!isPropertyMap && (key === 'examples' || key === 'example')) continue;
    copy[key] = withoutExamples(value, !isPropertyMap && key === 'properties');
  }
  return copy;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
