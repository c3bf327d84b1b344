// What a production deployment must have (NODE_ENV=production): every secret set, none left at an example or
// well-known value, an https:// address. Each line names the variable and how to fix it.
import type { z } from 'zod';
import type { schema } from './config.js';

const generate = 'generate one with: openssl rand -base64 48';
// Values that appear in examples and tutorials: a deployment that still has one is not configured.
const wellKnown = new Set([
  'password',
  'secret',
  'admin',
  'inclubit',
  'inclubit360',
  '123456789012',
  'qwertyuiopas',
]);
const isPlaceholder = (value: string) =>
  /change[-_ ]?me|replace[-_ ]?me|your[-_ ]/i.test(value) || wellKnown.has(value.toLowerCase());

/** What a production deployment must have; each line names the variable and how to fix it. */
export function productionProblems(e: z.infer<typeof schema>): string[] {
  const problems: string[] = [];
  const secret = (name: 'TOKEN_SECRET' | 'TURN_SECRET', why: string) => {
    const value = e[name];
    if (!value) problems.push(`  ${name}: required (${why}); ${generate}`);
    else if (isPlaceholder(value)) problems.push(`  ${name}: still the example value; ${generate}`);
  };
  secret('TOKEN_SECRET', 'it signs every link and operator session');
  secret('TURN_SECRET', 'viewers behind firewalls reach the SFU through coturn with it');
  if (!e.OPERATOR_PASSWORD && !e.OPERATOR_PASSWORD_HASH)
    problems.push('  OPERATOR_PASSWORD: required (or OPERATOR_PASSWORD_HASH): the dashboard login');
  else if (e.OPERATOR_PASSWORD && isPlaceholder(e.OPERATOR_PASSWORD))
    problems.push('  OPERATOR_PASSWORD: a default password; choose your own (at least 12 characters)');
  if (!e.PUBLIC_URL)
    problems.push('  PUBLIC_URL: required: the https:// address users open (DOMAIN in compose)');
  else if (!e.PUBLIC_URL.startsWith('https://'))
    problems.push(
      `  PUBLIC_URL: must be https:// (headsets refuse WebXR and cameras without it), got ${e.PUBLIC_URL}`,
    );
  return problems;
}
