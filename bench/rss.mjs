// Preloaded into a benchmarked process (node --import): on exit, writes the process's peak RSS in
// kilobytes (worker threads included: they share the process) to the file BENCH_RSS_FILE names.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
