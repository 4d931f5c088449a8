/** `1 finding`, `2 findings`, `1 access point`, `3 devices`: counts in every report read as English. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}
