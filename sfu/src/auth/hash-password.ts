// CLI: prints the OPERATOR_PASSWORD_HASH value for a password read from stdin (not from argv, which
// other users of the machine can see in the process list).
import { hashPassword } from './password.js';

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const password = Buffer.concat(chunks)
  .toString('utf8')
  .replace(/\r?\n$/, '');
if (password.length < 10) {
  process.stderr.write('password must be at least 10 characters\n');
  process.exit(1);
}
process.stdout.write(`OPERATOR_PASSWORD_HASH=${await hashPassword(password)}\n`);
