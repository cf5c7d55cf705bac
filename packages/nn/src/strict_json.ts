/**
 * A strict JSON reader for untrusted headers. `JSON.parse` is too lenient for a file format's
 * rules: it keeps the last of duplicate keys, turns `8.0` and `8` into the same number, rounds
 * integers past 2^53, lets a `"__proto__"` key reach object prototypes in later copies, and
 * overflows the stack on deep nesting with a raw `RangeError`. This reader follows RFC 8259 and
 * serde_json (which the safetensors reference reader uses): objects become `Map`s, duplicate
 * keys and lone surrogates are errors, numbers keep their source text, nesting is bounded.
 */

/** A JSON number as written in the source, so integers can be read exactly (`BigInt(raw)`). */
export class JsonNumber {
  constructor(readonly raw: string) {}
  /** True for a plain non-negative integer literal (no sign, fraction or exponent). */
  get isUnsignedInteger(): boolean { return /^(0|[1-9][0-9]*)$/.test(this.raw); }
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | Map<string, JsonValue>;

/** Raised with the byte-independent character position of the first problem. */
export class JsonSyntaxError extends Error {
  constructor(message: string, readonly position: number) {
    super(`${message} at position ${position}`);
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** serde_json's default recursion limit. */
const MAX_DEPTH = 128;

/** Parses `text` as one JSON value followed only by whitespace. */
export function parseStrictJson(text: string): JsonValue {
  let i = 0;
  const fail = (msg: string): never => { throw new JsonSyntaxError(msg, i); };
  const ws = (): void => {
    for (let c = text.charCodeAt(i); c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d; c = text.charCodeAt(++i));
  };
  const literal = (word: string, v: JsonValue): JsonValue => {
    if (text.startsWith(word, i)) {
      i += word.length;
      return v;
    }
    return fail('invalid literal');
  };
  const hex4 = (): number => {
    const h = text.slice(i, i + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(h)) fail('invalid \\u escape');
    i += 4;
    return parseInt(h, 16);
  };
  const str = (): string => {
    i++; // opening quote
    let out = '';
    let start = i;
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(start, i++);
        return out;
      }
      if (c < 0x20) fail('control character in string');
      if (c >= 0xd800 && c <= 0xdfff) {
        // Raw surrogates only come in valid pairs from a UTF-8 decode; check anyway.
        const d = text.charCodeAt(i + 1);
        if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) fail('lone surrogate in string');
        i += 2;
        continue;
      }
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(start, i);
      const e = text[++i];
      i++;
      if (e === 'u') {
        const u = hex4();
        if (u >= 0xd800 && u <= 0xdbff) {
          if (text[i] !== '\\' || text[i + 1] !== 'u') fail('lone leading surrogate in hex escape');
          i += 2;
          const lo = hex4();
          if (lo < 0xdc00 || lo > 0xdfff) fail('invalid low surrogate in hex escape');
          out += String.fromCharCode(u, lo);
        } else if (u >= 0xdc00 && u <= 0xdfff) {
          fail('lone trailing surrogate in hex escape');
        } else {
          out += String.fromCharCode(u);
        }
      } else {
        if (e === undefined || !Object.hasOwn(SIMPLE_ESCAPES, e)) fail('invalid escape');
        out += SIMPLE_ESCAPES[e];
      }
      start = i;
    }
  };
  const num = (): JsonNumber => {
    const m = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
    m.lastIndex = i;
    const r = m.exec(text);
    if (!r) return fail('invalid number');
    i += r[0].length;
    return new JsonNumber(r[0]);
  };
  const value = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail('recursion limit exceeded');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj = new Map<string, JsonValue>();
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a string key');
        const keyAt = i;
        const k = str();
        if (obj.has(k)) {
          i = keyAt;
          fail(`duplicate key ${JSON.stringify(k)}`);
        }
        ws();
        if (text[i++] !== ':') fail("expected ':'");
        obj.set(k, value(depth + 1));
        ws();
        const sep = text[i++];
        if (sep === '}') return obj;
        if (sep !== ',') fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const arr: JsonValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        const sep = text[i++];
        if (sep === ']') return arr;
        if (sep !== ',') fail("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    if (c === 't') return literal('true', true);
    if (c === 'f') return literal('false', false);
    if (c === 'n') return literal('null', null);
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return num();
    return fail(c === undefined ? 'unexpected end of input' : 'expected a value');
  };
  const v = value(1);
  ws();
  if (i < text.length) fail('trailing characters');
  return v;
}
