/**
 * Anniversary achievements: completed on the local day that is `years` whole years after the
 * user's sign-up date (Trophy's `anniversaryYears`). Dates are `YYYY-MM-DD` calendar dates; a
 * sign-up on 29 February has its anniversary on 28 February in years that have no 29th.
 */
export function anniversaryDate(signUpDate: string, years: number): string {
  const [y, m, d] = signUpDate.split('-').map(Number) as [number, number, number];
  const year = y + years;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const day = m === 2 && d === 29 && !leap ? 28 : d;
  return `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Whole years from the sign-up date to `today` (both local `YYYY-MM-DD`): the largest n whose anniversary is on or before today. */
export function yearsSince(signUpDate: string, today: string): number {
  if (today < signUpDate) return 0;
  let years = Number(today.slice(0, 4)) - Number(signUpDate.slice(0, 4));
  while (years > 0 && anniversaryDate(signUpDate, years) > today) years--;
  return years;
}
