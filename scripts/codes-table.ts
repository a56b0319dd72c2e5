// Prints the README's table of diagnostic codes from src/diagnostics/codes.ts (npm run docs:codes).
import { DIAGNOSTIC_CODES } from '../src/diagnostics/codes.ts';

for (const [code, meaning] of Object.entries(DIAGNOSTIC_CODES)) console.log(`| \`${code}\` | ${meaning} |`);
