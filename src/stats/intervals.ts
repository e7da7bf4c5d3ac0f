// Confidence intervals for summaries: Wilson for proportions, Student-t for means.
// Pure numerics; special functions follow Numerical Recipes (3rd ed.) §6.1, §6.4.

export type Interval = [number, number];

/** Standard normal quantile (Acklam's rational approximation refined by one Halley step; |err| < 1e-15). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    return NaN;
  }
  // Upper half by symmetry: 1 - p is exact for p >= 0.5 (Sterbenz), and the lower tail keeps
  // full relative precision in the Halley step below.
  if (p > 0.5) return -normalQuantile(1 - p);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  let x: number;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
      (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // One Halley step against the exact CDF.
  const e = 0.5 * erfc(-x / Math.SQRT2) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Complementary error function, as the regularized upper incomplete gamma Q(1/2, x²). */
export function erfc(x: number): number {
  // erfc(x) = Q(1/2, x^2) for x >= 0.
  if (x < 0) return 2 - erfc(-x);
  return regularizedGammaQ(0.5, x * x);
}

function logGamma(x: number): number {
  // Lanczos approximation (g=7, n=9), accurate to ~1e-15.
  const g = 7;
  const coef = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = coef[0];
  const t = x + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += coef[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

function regularizedGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const gln = logGamma(a);
  if (x < a + 1) {
    // Series for P, then Q = 1 - P.
    let sum = 1 / a;
    let del = sum;
    let ap = a;
    for (let n = 0; n < 1000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * 1e-16) break;
    }
    return 1 - sum * Math.exp(-x + a * Math.log(x) - gln);
  }
  // Continued fraction for Q (modified Lentz).
  let b = x + 1 - a;
  let c = 1 / 1e-300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.exp(-x + a * Math.log(x) - gln) * h;
}

/** Regularized incomplete beta I_x(a, b) (Numerical Recipes betacf, modified Lentz). */
export function regularizedBeta(x: number, a: number, b: number): number {
  return betaIncomplete(x, 1 - x, a, b);
}

/**
 * I_x(a, b) given both x and y = 1 - x, so callers that know y more precisely than 1 - x
 * (the t distribution with large df) keep it. The prefactor uses an accurate log-beta.
 */
function betaIncomplete(x: number, y: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - betaIncomplete(y, x, b, a);
  const logX = x < 0.5 ? Math.log(x) : Math.log1p(-y);
  const logY = y < 0.5 ? Math.log(y) : Math.log1p(-x);
  const lnFront = a * logX + b * logY - logBeta(a, b);
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return (Math.exp(lnFront) * h) / a;
}

/** Stirling-series remainder lgamma(x) - [(x - 1/2) ln x - x + ln sqrt(2 pi)], for x >= 10 (as R's lgammacor). */
function logGammaCorrection(x: number): number {
  const x2 = 1 / (x * x);
  // Bernoulli terms B_{2k} / (2k (2k-1) x^(2k-1)), k = 1..7; the next term is below 1e-17 at x = 10.
  return (
    (1 / x) * (1 / 12 + x2 * (-1 / 360 + x2 * (1 / 1260 + x2 * (-1 / 1680 + x2 * (1 / 1188 + x2 * (-691 / 360360 + x2 * (1 / 156)))))))
  );
}

/** ln B(a, b) without the cancellation of three large log-gammas (R's lbeta, after TOMS 708). */
function logBeta(a: number, b: number): number {
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  const lnSqrt2Pi = 0.9189385332046728;
  if (p >= 10) {
    const corr = logGammaCorrection(p) + logGammaCorrection(q) - logGammaCorrection(p + q);
    return -0.5 * Math.log(q) + lnSqrt2Pi + corr + (p - 0.5) * Math.log(p / (p + q)) + q * Math.log1p(-p / (p + q));
  }
  if (q >= 10) {
    const corr = logGammaCorrection(q) - logGammaCorrection(p + q);
    return logGamma(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q));
  }
  return logGamma(p) + logGamma(q) - logGamma(p + q);
}

/** Student-t CDF with `df` degrees of freedom: the tail is I_{df/(df+t^2)}(df/2, 1/2) / 2 (Abramowitz & Stegun 26.7.1). */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || Number.isNaN(df)) return NaN;
  if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
  if (!Number.isFinite(df)) return 0.5 * erfc(-t / Math.SQRT2);
  const t2 = t * t;
  const tail = 0.5 * betaIncomplete(df / (df + t2), t2 / (df + t2), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * Student-t quantile: bisection on the CDF down to adjacent doubles. Verified against mpmath
 * to 1e-12; scipy 1.10's t.ppf (cdflib) is itself off by up to ~1e-8, see tests/fixtures/stats/README.md.
 */
export function studentTQuantile(p: number, df: number): number {
  if (Number.isNaN(p) || Number.isNaN(df)) return NaN;
  if (p <= 0) return p === 0 ? -Infinity : NaN;
  if (p >= 1) return p === 1 ? Infinity : NaN;
  if (p === 0.5) return 0;
  if (!Number.isFinite(df)) return normalQuantile(p);
  // Solve in the lower tail, where the CDF is computed without cancellation; 1 - p is exact for p > 0.5.
  if (p > 0.5) return -studentTQuantile(1 - p, df);
  let lo = -1;
  let hi = 0;
  while (studentTCdf(lo, df) > p) {
    hi = lo;
    lo *= 2;
  }
  for (let i = 0; i < 2000; i++) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Wilson score interval for a proportion (Wilson 1927; as statsmodels proportion_confint
 * method="wilson"). Returns [0, 1] when n is 0.
 */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): Interval {
  if (n === 0) return [0, 1];
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  // The bounds at 0 and n are exactly 0 and 1; rounding would otherwise leave 1e-17 outside.
  return [successes === 0 ? 0 : Math.max(0, centre - half), successes === n ? 1 : Math.min(1, centre + half)];
}

/**
 * Student-t interval for a mean from its sufficient statistics (n, sum, sum of squares),
 * with the unbiased sample variance (ddof=1), as scipy.stats.t.interval(conf, n-1, mean, sem).
 * A single value gives [mean, mean] widened to nothing known: returns [NaN, NaN] for n < 2.
 */
export function tIntervalFromSums(n: number, sum: number, sumSquares: number, confidence = 0.95): Interval {
  if (n < 2) return [NaN, NaN];
  const mean = sum / n;
  return tIntervalFromMoments(n, mean, Math.max(0, (sumSquares - n * mean * mean) / (n - 1)), confidence);
}

/** Student-t interval for the mean of `values` (two-pass variance, so large offsets keep their precision). */
export function tInterval(values: readonly number[], confidence = 0.95): Interval {
  const n = values.length;
  if (n < 2) return [NaN, NaN];
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  return tIntervalFromMoments(n, mean, ss / (n - 1), confidence);
}

function tIntervalFromMoments(n: number, mean: number, variance: number, confidence: number): Interval {
  const sem = Math.sqrt(variance / n);
  const t = studentTQuantile(1 - (1 - confidence) / 2, n - 1);
  return [mean - t * sem, mean + t * sem];
}
