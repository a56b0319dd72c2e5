// GitHub Actions expressions (${{ … }}) as the runner evaluates them, for the contexts and functions
// fleetc's workflows use: property access (null through missing values), literals, ! == != < <= > >=
// && || (which yield an operand, as in JavaScript), case-insensitive string equality, and the
// functions success, failure, always, cancelled, contains, startsWith, endsWith, format, join, toJSON
// and fromJSON. Written from GitHub's documented grammar ("Evaluate expressions in workflows and
// actions"); an unknown function or a syntax error throws, so a typo in a workflow fails the test.

export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

export interface Status {
  /** A step before this one failed (in the job, or in this composite action). */
  failed: boolean;
  cancelled: boolean;
}

export interface Scope {
  contexts: Record<string, Value>;
  status: Status;
}

type Token = { kind: 'num'; value: number } | { kind: 'str'; value: string } | { kind: 'id'; value: string } | { kind: 'op'; value: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) i++;
    else if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= source.length) throw new Error(`unterminated string in ${source}`);
        if (source[i] === "'" && source[i + 1] === "'") (value += "'"), (i += 2);
        else if (source[i] === "'") break;
        else value += source[i++];
      }
      i++;
      tokens.push({ kind: 'str', value });
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const match = /^-?(0x[0-9a-f]+|[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?)/i.exec(source.slice(i))!;
      tokens.push({ kind: 'num', value: Number(match[0]) });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(source.slice(i))!;
      tokens.push({ kind: 'id', value: match[0] });
      i += match[0].length;
    } else {
      const op = ['==', '!=', '<=', '>=', '&&', '||'].find((o) => source.startsWith(o, i)) ?? (/[!<>().,[\]*]/.test(c) ? c : undefined);
      if (!op) throw new Error(`unexpected character ${c} in expression ${source}`);
      tokens.push({ kind: 'op', value: op });
      i += op.length;
    }
  }
  return tokens;
}

function truthy(v: Value): boolean {
  return !(v === null || v === false || v === 0 || v === '' || (typeof v === 'number' && Number.isNaN(v)));
}

function toNumber(v: Value): number {
  if (v === null) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v.trim() === '' ? 0 : Number(v);
  return Number.NaN;
}

function equal(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof a === 'object' || typeof b === 'object') return a === b;
  if (typeof a !== typeof b) return toNumber(a) === toNumber(b);
  return a === b;
}

export function stringify(v: Value): string {
  if (v === null) return '';
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (typeof v === 'string') return v;
  return JSON.stringify(v, null, 2);
}

class Parser {
  private i = 0;
  readonly usesStatus: { value: boolean } = { value: false };

  constructor(
    private readonly tokens: Token[],
    private readonly scope: Scope,
  ) {}

  parse(): Value {
    const value = this.or();
    if (this.i < this.tokens.length) throw new Error(`unexpected ${JSON.stringify(this.tokens[this.i])}`);
    return value;
  }

  private peek(value: string): boolean {
    const t = this.tokens[this.i];
    return t?.kind === 'op' && t.value === value;
  }

  private expect(value: string): void {
    if (!this.peek(value)) throw new Error(`expected ${value}`);
    this.i++;
  }

  private or(): Value {
    let left = this.and();
    while (this.peek('||')) {
      this.i++;
      const right = this.and();
      left = truthy(left) ? left : right;
    }
    return left;
  }

  private and(): Value {
    let left = this.comparison();
    while (this.peek('&&')) {
      this.i++;
      const right = this.comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  }

  private comparison(): Value {
    let left = this.unary();
    for (;;) {
      const op = ['==', '!=', '<', '<=', '>', '>='].find((o) => this.peek(o));
      if (!op) return left;
      this.i++;
      const right = this.unary();
      if (op === '==') left = equal(left, right);
      else if (op === '!=') left = !equal(left, right);
      else {
        const [a, b] = typeof left === 'string' && typeof right === 'string' ? [left.toLowerCase(), right.toLowerCase()] : [toNumber(left), toNumber(right)];
        left = op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
      }
    }
  }

  private unary(): Value {
    if (this.peek('!')) {
      this.i++;
      return !truthy(this.unary());
    }
    return this.postfix(this.primary());
  }

  private primary(): Value {
    const t = this.tokens[this.i++];
    if (!t) throw new Error('unexpected end of expression');
    if (t.kind === 'num' || t.kind === 'str') return t.value;
    if (t.kind === 'op' && t.value === '(') {
      const v = this.or();
      this.expect(')');
      return v;
    }
    if (t.kind !== 'id') throw new Error(`unexpected ${t.value}`);
    if (t.value === 'true') return true;
    if (t.value === 'false') return false;
    if (t.value === 'null') return null;
    if (this.peek('(')) {
      this.i++;
      const args: Value[] = [];
      while (!this.peek(')')) {
        args.push(this.or());
        if (this.peek(',')) this.i++;
      }
      this.i++;
      return this.call(t.value, args);
    }
    if (!(t.value in this.scope.contexts)) throw new Error(`unknown context ${t.value}`);
    return this.scope.contexts[t.value]!;
  }

  private postfix(value: Value): Value {
    for (;;) {
      if (this.peek('.')) {
        this.i++;
        const name = this.tokens[this.i++];
        if (name?.kind !== 'id') throw new Error('expected a property name');
        value = property(value, name.value);
      } else if (this.peek('[')) {
        this.i++;
        const key = this.or();
        this.expect(']');
        value = property(value, stringify(key));
      } else return value;
    }
  }

  private call(name: string, args: Value[]): Value {
    const status = this.scope.status;
    switch (name.toLowerCase()) {
      case 'success':
        this.usesStatus.value = true;
        return !status.failed && !status.cancelled;
      case 'failure':
        this.usesStatus.value = true;
        return status.failed && !status.cancelled;
      case 'always':
        this.usesStatus.value = true;
        return true;
      case 'cancelled':
        this.usesStatus.value = true;
        return status.cancelled;
      case 'contains': {
        const [hay, needle] = args;
        if (Array.isArray(hay)) return hay.some((item) => equal(item, needle ?? null));
        return stringify(hay ?? null).toLowerCase().includes(stringify(needle ?? null).toLowerCase());
      }
      case 'startswith':
        return stringify(args[0] ?? null).toLowerCase().startsWith(stringify(args[1] ?? null).toLowerCase());
      case 'endswith':
        return stringify(args[0] ?? null).toLowerCase().endsWith(stringify(args[1] ?? null).toLowerCase());
      case 'format':
        return stringify(args[0] ?? null).replace(/\{(\d+)\}/g, (_, n: string) => stringify(args[Number(n) + 1] ?? null)).replace(/\{\{/g, '{').replace(/\}\}/g, '}');
      case 'join':
        return Array.isArray(args[0]) ? args[0].map(stringify).join(args[1] === undefined ? ',' : stringify(args[1])) : stringify(args[0] ?? null);
      case 'tojson':
        return JSON.stringify(args[0] ?? null, null, 2);
      case 'fromjson':
        return JSON.parse(stringify(args[0] ?? null)) as Value;
      default:
        throw new Error(`function ${name} is not simulated`);
    }
  }
}

function property(value: Value, name: string): Value {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  // Context property names are case-insensitive.
  const key = Object.keys(value).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? null : value[key]!;
}

export function evaluate(expression: string, scope: Scope): { value: Value; usesStatus: boolean } {
  const parser = new Parser(tokenize(expression), scope);
  const value = parser.parse();
  return { value, usesStatus: parser.usesStatus.value };
}

/** A string with ${{ }} parts substituted (a value that is one whole expression keeps its type). */
export function interpolate(text: string, scope: Scope): Value {
  const whole = /^\$\{\{([\s\S]*?)\}\}$/.exec(text.trim());
  if (whole && !whole[1]!.includes('}}')) return evaluate(whole[1]!, scope).value;
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, inner: string) => stringify(evaluate(inner, scope).value));
}

/** A step's or job's if: with ${{ }} or without; no status function means success() && (…). */
export function condition(text: string | boolean | undefined, scope: Scope): boolean {
  if (text === undefined) return !scope.status.failed && !scope.status.cancelled;
  if (typeof text === 'boolean') return text && !scope.status.failed && !scope.status.cancelled;
  const inner = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(text)?.[1] ?? text;
  const { value, usesStatus } = evaluate(inner, scope);
  return usesStatus ? truthy(value) : truthy(value) && !scope.status.failed && !scope.status.cancelled;
}
