/**
 * How much a cost grows when its input grows `factor` times: the best of `runs` measurements at each
 * size, the two sizes alternated so a burst of load hits both. A linear cost grows about `factor` times,
 * a quadratic one `factor²` (16 for the default 4): tests bound it at 10, far from both, so
 * a loaded machine does not cross the bound and a quadratic cost always does.
 */
export async function growth(cost: (n: number) => number | Promise<number>, n: number, factor = 4, runs = 5): Promise<number> {
  await cost(n) // warm the JIT
  let small = Infinity
  let large = Infinity
  for (let i = 0; i < runs; i++) {
    small = Math.min(small, await cost(n))
    large = Math.min(large, await cost(n * factor))
  }
  if (process.env.GROWTH_LOG) console.log(`growth ${n}: ${small} -> ${large} = ${(large / small).toFixed(2)}`)
  return large / small
}

