// A small seeded PRNG (mulberry32: 32-bit state), shared by the bench's generated logs and the fuzz
// test's mutations so both are reproducible from a seed. Good enough for choosing; not for secrets.

/** A function returning numbers in [0, 1), the same sequence for the same seed. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
