// Every diagnostic code has a fixture: the minimal fleet with a few files changed, and the exact
// diagnostics (file:line:col severity CODE) it must produce. See test/fixtures/diagnostics/README.md.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ALL_CODES } from '../../src/diagnostics/codes.ts';
import { compileFleet, diagnosticLines, makeFleet, type FleetFiles } from '../helpers/fleet.ts';
import { FIXTURES } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';

const CASES_DIR = `${FIXTURES}/diagnostics`;

/** Codes that need files a text overlay cannot express, asserted (code, file, line, column) in these tests. */
const COVERED_ELSEWHERE: Record<string, string> = {
  FLEET_DIR_MISSING: 'test/load/bad-inputs.test.ts',
  FILE_UNREADABLE: 'test/load/bad-inputs.test.ts',
  FILE_SYMLINK: 'test/load/bad-inputs.test.ts',
  FILE_DUPLICATE_KIND: 'test/load/bad-inputs.test.ts',
  FILE_NOT_REGULAR: 'test/load/bad-inputs.test.ts',
  FILE_TOO_LARGE: 'test/load/bad-inputs.test.ts',
  FILE_BINARY: 'test/load/bad-inputs.test.ts',
  SCHEMA_INVALID: 'test/validate/schema-errors.test.ts',
};

interface Case {
  name: string;
  overlay: FleetFiles;
  expected: string[];
}

function readCase(name: string): Case {
  const dir = path.join(CASES_DIR, name);
  const overlay: FleetFiles = {};
  const visit = (abs: string, rel: string): void => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) visit(path.join(abs, entry.name), relPath);
      else if (relPath !== 'expected') {
        const text = readFileSync(path.join(abs, entry.name), 'utf8');
        overlay[relPath] = text.trim() === '#delete' ? null : text;
      }
    }
  };
  visit(dir, '');
  const expected = readFileSync(path.join(dir, 'expected'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  return { name, overlay, expected };
}

const cases = existsSync(CASES_DIR) ? readdirSync(CASES_DIR).filter((n) => existsSync(path.join(CASES_DIR, n, 'expected'))).sort().map(readCase) : [];

describe('diagnostic fixtures', () => {
  for (const c of cases) {
    test(c.name, async (t) => {
      const paths = makeFleet(tempDir(t), c.overlay);
      const result = await compileFleet(paths);
      assert.deepEqual(diagnosticLines(result, paths.fleetDir).sort(), [...c.expected].sort());
    });
  }

  test('every diagnostic code has a fixture', () => {
    const covered = new Set([...cases.flatMap((c) => c.expected.map((line) => line.split(' ')[2])), ...Object.keys(COVERED_ELSEWHERE)]);
    const missing = ALL_CODES.filter((code) => !covered.has(code));
    assert.deepEqual(missing, [], `codes without a fixture in test/fixtures/diagnostics: ${missing.join(', ')}`);
  });
});
