// isSafeRelativePath (every artifact path is checked with it, twice in a streamed build) is the
// definition by segments: relative, and no segment empty, '.', '..', or holding a backslash or NUL.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isSafeRelativePath } from '../../src/emit/index.ts';

const bySegments = (path: string) => path.length > 0 && !path.startsWith('/') && path.split('/').every((s) => s !== '' && s !== '.' && s !== '..' && !s.includes('\\') && !s.includes('\0'));

test('artifact paths are safe exactly when every segment is', () => {
  for (const path of ['a', 'hosts/x/default.nix', '...', 'a/.../b', 'a/..b', '.hidden', 'ipxe/hosts/52:54:00:00:00:00.ipxe']) assert.equal(isSafeRelativePath(path), true, path);
  for (const path of ['', '/a', 'a/', 'a//b', '.', '..', 'a/./b', 'a/../b', '../a', 'a/..', 'a\\b', 'a\0b', './a']) assert.equal(isSafeRelativePath(path), false, JSON.stringify(path));
  const piece = fc.constantFrom('a', '.', '..', '...', '', 'b.c', '\\', '\0', 'x y');
  const text = fc.array(fc.constantFrom('a', '.', '/', '\\', '\0'), { maxLength: 8 }).map((chars) => chars.join(''));
  fc.assert(fc.property(text, (path) => assert.equal(isSafeRelativePath(path), bySegments(path), JSON.stringify(path))), { numRuns: 3000 });
  fc.assert(fc.property(fc.array(piece, { maxLength: 6 }), (parts) => {
    const path = parts.join('/');
    assert.equal(isSafeRelativePath(path), bySegments(path), JSON.stringify(path));
  }), { numRuns: 2000 });
});
