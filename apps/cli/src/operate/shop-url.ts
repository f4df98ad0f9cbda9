/** The shop these commands talk to: `--url`, else the gateway `agora start` runs on this machine (PORT). */
export function shopUrl(given: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const url = given ?? `http://127.0.0.1:${env.PORT || 8080}`;
  if (!URL.canParse(url)) throw new Error(`--url: not a URL: ${url}`);
  return url.replace(/\/$/, '');
}

/** A number option within bounds, or an error naming it. */
export function numberOption(name: string, value: string | undefined, { min, max, integer = false }: { min: number; max: number; integer?: boolean }): number {
  const number = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isFinite(number) || number < min || number > max || (integer && !Number.isInteger(number))) {
    throw new Error(`--${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}${value === undefined ? '' : ` (got ${value})`}`);
  }
  return number;
}
