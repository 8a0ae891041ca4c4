// A chain's models in the order the relay tries them, as the editor moves them (drag and drop).

/** `models` with the entry at `from` moved to `to` (both indexes in the list); a copy. */
export function moveModel(models: readonly string[], from: number, to: number): string[] {
  const next = [...models];
  if (from < 0 || from >= next.length || to < 0 || to >= next.length || from === to) return next;
  const [moved] = next.splice(from, 1);
  next.splice(to, 0, moved as string);
  return next;
}

/** Whether two orders differ. */
export function orderChanged(a: readonly string[], b: readonly string[]): boolean {
  return a.length !== b.length || a.some((model, i) => model !== b[i]);
}
