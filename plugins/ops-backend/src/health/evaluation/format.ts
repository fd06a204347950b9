/** Numbers for reasons: three significant digits, no exponent for everyday values. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) {
    return value > 0 ? '∞' : '-∞';
  }
  if (value === 0) {
    return '0';
  }
  if (Math.abs(value) >= 100) {
    return String(Math.round(value));
  }
  return String(Number(value.toPrecision(3)));
}

/** A ratio (0.125) as a percentage ("12.5%"). */
export function formatPercent(ratio: number): string {
  return `${formatNumber(ratio * 100)}%`;
}

/** An SLO objective (0.999) as a percentage with up to four decimals ("99.9%"). */
export function formatObjective(objective: number): string {
  return `${Number((objective * 100).toFixed(4))}%`;
}

/** A burn rate: one decimal from 1× up, two below ("16.2×", "0.35×"). */
export function formatBurnRate(rate: number): string {
  return `${rate >= 1 ? rate.toFixed(1) : rate.toFixed(2)}×`;
}

/** A z-score, signed, capped for display. */
export function formatZ(z: number): string {
  if (Math.abs(z) > 99) {
    return z > 0 ? '>99' : '<-99';
  }
  return z.toFixed(1);
}

/** An age such as "45s", "14m", "2h 5m" or "3d 4h". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) {
    return `${s}s`;
  }
  const m = Math.floor(s / 60);
  if (m < 60) {
    return `${m}m`;
  }
  const h = Math.floor(m / 60);
  if (h < 24) {
    return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  }
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

/** "a, b and c", at most `max` items then "and N more". */
export function formatList(items: string[], max = 5): string {
  if (items.length <= 1) {
    return items.join('');
  }
  if (items.length > max) {
    return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
  }
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
