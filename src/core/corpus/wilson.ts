/**
 * The 95% Wilson score interval of a rate (count of n), as the corpus table reports it.
 *
 * Written here rather than taken from a package: the formula is four lines, and the one npm package
 * of that name (`wilson-score`) gives only the lower bound for ranking, with no release since 2015.
 * Wilson rather than the normal approximation because the study's rates are often 0 or near it on
 * small cells, where p ± z·√(p(1−p)/n) collapses to [0, 0] or runs below 0.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */

/** z for a two-sided 95% interval: the 0.975 quantile of the standard normal. */
export const Z_95 = 1.959963984540054;

/**
 * The Wilson score interval of `count` successes in `n` trials:
 *   centre = (p + z²/2n) / (1 + z²/n),  half = z / (1 + z²/n) · √(p(1−p)/n + z²/4n²),  p = count/n.
 * Undefined when n is 0 (no runs: no rate).
 */
export function wilsonInterval(count: number, n: number, z: number = Z_95): { low: number; high: number } | undefined {
  if (!(n > 0) || count < 0 || count > n) return undefined;
  const p = count / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At p = 0 (or 1) the bound is 0 (or 1) exactly; rounding could put it a hair outside.
  return { low: count === 0 ? 0 : Math.max(0, centre - half), high: count === n ? 1 : Math.min(1, centre + half) };
}
