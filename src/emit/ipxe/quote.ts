// iPXE script words and text. iPXE has no quoting: a line splits at whitespace into words, a word
// starting with # begins a comment, the words ||, && and ; separate commands, and ${…} anywhere in a
// word expands a setting (repeatedly, so no value can carry a literal ${…}). A value either fits in
// one word unchanged, or it cannot be written at all: validate refuses such values (KERNEL_PARAM_UNSAFE).

/** Characters that mean nothing to iPXE: a word of only these is written as is (one test for most words). */
const PLAIN = /^[A-Za-z0-9._:/+=,@%-]+$/;

/** Why a word cannot be written into an iPXE script unchanged, or undefined when it can. */
export function ipxeWordProblem(word: string): string | undefined {
  if (PLAIN.test(word)) return undefined;
  if (word.length === 0) return 'is empty';
  if (/[\s\u0000-\u001f\u007f]/.test(word)) return 'contains whitespace or a control character';
  if (word.includes('${')) return 'contains "${", which iPXE expands as a setting';
  if (word === '||' || word === '&&' || word === ';') return `is "${word}", which iPXE reads as a command separator`;
  if (word.startsWith('#')) return 'starts with "#", which iPXE reads as the start of a comment';
  return undefined;
}

/** One word of a command line, written as is; throws if iPXE would read it differently. */
export function ipxeWord(word: string): string {
  const problem = ipxeWordProblem(word);
  if (problem) throw new Error(`iPXE: ${JSON.stringify(word)} ${problem}`);
  return word;
}

/** Words of a command line, each checked as ipxeWord checks it, separated by spaces. */
export function ipxeWords(words: readonly string[]): string {
  if (words.length === 0) throw new Error('iPXE: an empty word list');
  return words.map(ipxeWord).join(' ');
}

/** A label (:name, goto name, menu item id). */
export function ipxeLabel(name: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`iPXE: not a label: ${JSON.stringify(name)}`);
  return name;
}

const REPLACEMENTS: Record<string, string> = { '\u2013': '-', '\u2014': '-', '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"', '\u2026': '...' };

/**
 * Free text shown by echo or a menu: the console of a firmware prints ASCII, and the text must not
 * act as script syntax. Lossy by design: accents are dropped, other non-ASCII becomes ?, and every
 * character iPXE could give meaning to ($ { } # | & ;) becomes a space-free look-alike or is dropped.
 */
export function ipxeText(text: string, maxLength = 72): string {
  // Plain words (a host or profile name) come out unchanged: NFKD leaves ASCII as it is.
  if (text.length <= maxLength && PLAIN.test(text)) return text;
  const ascii = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\u0000-\u007f]/g, (ch) => REPLACEMENTS[ch] ?? '?')
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/[$#]/g, '?')
    .replace(/[{]/g, '(')
    .replace(/[}]/g, ')')
    .replace(/[|&;]/g, '/')
    .replace(/\s+/g, ' ')
    .trim();
  const clipped = ascii.length > maxLength ? `${ascii.slice(0, maxLength - 3).trimEnd()}...` : ascii;
  return clipped === '' ? '(none)' : clipped;
}

/** Text of a # comment line: a comment ends at the line break. */
export function ipxeComment(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
}
