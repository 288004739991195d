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
