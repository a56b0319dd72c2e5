// The per-format escapers: dhcpd strings and names, iPXE words, display text and comments.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dhcpdAddress, dhcpdComment, dhcpdMac, dhcpdName, dhcpdString } from '../../src/emit/dhcpd/quote.ts';
import { ipxeComment, ipxeLabel, ipxeText, ipxeWord, ipxeWordProblem, ipxeWords } from '../../src/emit/ipxe/quote.ts';

describe('dhcpd quoting', () => {
  test('strings escape quotes and backslashes, and write every other byte outside printable ASCII in octal', () => {
    assert.equal(dhcpdString('cp-1'), '"cp-1"');
    assert.equal(dhcpdString('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(dhcpdString('line\nbreak\ttab'), '"line\\012break\\011tab"');
    assert.equal(dhcpdString('café'), '"caf\\303\\251"');
    assert.equal(dhcpdString('${x} #; '), '"${x} #; "');
  });

  test('declaration names, addresses and MACs are checked, never quoted', () => {
    assert.equal(dhcpdName('wk-3.enp1s0.30'), 'wk-3.enp1s0.30');
    for (const bad of ['', 'a b', 'a;b', '-a', 'a..b', '"a"']) assert.throws(() => dhcpdName(bad), /not a declaration name/);
    assert.throws(() => dhcpdAddress('10.0.0.256'));
    assert.throws(() => dhcpdMac('52-54-00-00-00-01'));
  });

  test('a comment cannot end early', () => {
    assert.equal(dhcpdComment('one\ntwo\r\nthree\u2028four'), 'one two three four');
  });
});

describe('iPXE words', () => {
  test('words iPXE reads as written pass unchanged', () => {
    for (const word of ['console=ttyS0,115200', 'a;b', 'x#y', '$HOME', 'p=}{', 'a||b', 'café', 'http://10.0.0.2:8080/boot']) {
      assert.equal(ipxeWordProblem(word), undefined, word);
      assert.equal(ipxeWord(word), word);
    }
  });

  test('words iPXE would read as syntax are refused', () => {
    const refused: Record<string, RegExp> = {
      '': /empty/,
      'two words': /whitespace/,
      'line\nbreak': /whitespace/,
      'root=${dev}': /expands/,
      '${': /expands/,
      '#quiet': /comment/,
      '||': /separator/,
      '&&': /separator/,
      ';': /separator/,
    };
    for (const [word, reason] of Object.entries(refused)) {
      assert.match(ipxeWordProblem(word) ?? '', reason, JSON.stringify(word));
      assert.throws(() => ipxeWord(word), /iPXE/);
    }
  });

  test('a command line is its words, each checked, one space apart; an empty one is refused', () => {
    assert.equal(ipxeWords(['fleet.host=wk-1', 'console=ttyS0,115200', 'café']), 'fleet.host=wk-1 console=ttyS0,115200 café');
    assert.throws(() => ipxeWords(['quiet', 'two words']), /whitespace/);
    assert.throws(() => ipxeWords(['quiet', '#x']), /comment/);
    assert.throws(() => ipxeWords([]), /empty word list/);
  });

  test('labels', () => {
    assert.equal(ipxeLabel('profile-all-in-one'), 'profile-all-in-one');
    assert.throws(() => ipxeLabel('a b'));
  });

  test('display text is ASCII with nothing iPXE could act on', () => {
    assert.equal(ipxeText('Compute nodes — virtual machines'), 'Compute nodes - virtual machines');
    assert.equal(ipxeText('Workers #1 ${x} a;b || c && d\nsecond line'), 'Workers ?1 ?(x) a/b // c // d second line');
    assert.equal(ipxeText('Café “quoted” 日本'), 'Cafe "quoted" ??');
    assert.equal(ipxeText('   '), '(none)');
    assert.equal(ipxeText('x'.repeat(100)).length, 72);
    // A plain word that fits is written as is; one too long is clipped like any text.
    assert.equal(ipxeText('wk-1.rack:2/a+b=c,d@e%f'), 'wk-1.rack:2/a+b=c,d@e%f');
    assert.equal(ipxeText('y'.repeat(73)), `${'y'.repeat(69)}...`);
    for (const text of ['#a', '${a}', '||', '&&', ';', 'a\u0000b', '{$}']) {
      for (const word of ipxeText(text).split(' ')) assert.equal(ipxeWordProblem(word), undefined, `${JSON.stringify(text)} → ${JSON.stringify(word)}`);
    }
  });

  test('a comment cannot end early', () => {
    assert.equal(ipxeComment('a\nb'), 'a b');
  });
});
