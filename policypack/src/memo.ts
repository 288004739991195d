/**
 * A memo for pure functions of an object that lives for a while (a stack view, a rule's parsed
 * settings): one answer per object, dropped with it.
 */
export function memoByObject<K extends object, V>(fn: (key: K) => V): (key: K) => V {
  const seen = new WeakMap<K, V>();
  return (key) => {
    if (seen.has(key)) return seen.get(key) as V;
    const v = fn(key);
    seen.set(key, v);
    return v;
  };
}

/**
 * A bounded memo for pure functions of a string (env names, column names, URNs): rules ask the same
 * question of the same few strings on every resource. Past `max` entries new answers are computed
 * and not kept, so memory stays bounded whatever the stack holds.
 */
export function memoByString<V>(fn: (key: string) => V, max = 10_000): (key: string) => V {
  const seen = new Map<string, V>();
  return (key) => {
    if (seen.has(key)) return seen.get(key) as V;
    const v = fn(key);
    if (seen.size < max) seen.set(key, v);
    return v;
  };
}
