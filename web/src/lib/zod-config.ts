// The deployed CSP forbids eval. zod probes for it (a CSP violation report) when an object schema is built,
// to compile faster parsers that our few small messages do not need. Imported first by main.tsx, so this
// runs before any schema exists.
import { z } from 'zod';

z.config({ jitless: true });
