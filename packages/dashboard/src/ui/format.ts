const numbers = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const percents = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });
const dates = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

export function formatNumber(value: number): string {
  return numbers.format(value);
}

/** A 0-100 percentage as the server sends rarity. */
export function formatPercent(value: number): string {
  return percents.format(value / 100);
}

/** A local calendar date "2026-11-27" as the server sends it; formatted in UTC so it never shifts a day. */
export function formatLocalDate(date: string | null | undefined): string {
  if (!date) return '—';
  const parsed = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(parsed.getTime()) ? date : dates.format(parsed);
}

/** A metric amount with its units: "1,050 words", "$12.50". Currency codes the browser does not know fall back to "12.5 XYZ". */
export function formatAmount(value: number, unitType: 'number' | 'currency' | undefined, units: string | undefined): string {
  if (unitType === 'currency' && units) {
    try {
      return new Intl.NumberFormat(undefined, { style: 'currency', currency: units }).format(value);
    } catch {
      return `${numbers.format(value)} ${units}`;
    }
  }
  return units ? `${numbers.format(value)} ${units}` : numbers.format(value);
}
