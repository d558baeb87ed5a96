// inputs.js: builds the arguments of vectors.json's inputs, the calls that
// break an input rule. Their args are JSON, except objects with a "$" key,
// which stand for what JSON cannot hold. The in-page self-test (every
// engine) and the Chromium tests (e2e/contract_test.go) both use it.

/** decodeArgs turns an input's args into the values to call with. */
export function decodeArgs(args) {
  return args.map(decode);
}

function decode(v) {
  if (Array.isArray(v)) return v.map(decode);
  if (v === null || typeof v !== "object") return v;
  if (!("$" in v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  switch (v.$) {
    case "undefined":
      return undefined;
    case "NaN":
      return NaN;
    case "symbol":
      return Symbol("argument");
    case "bigint":
      return 10n;
    case "function":
      return () => ({});
    case "repeat":
      return v.text.repeat(v.times);
    case "String": // a String object, not a string
      return new String(v.text);
    case "toString": // an object that only converts to the text
      return { toString: () => v.text };
    case "throwingGetter":
      return Object.defineProperty({}, v.key, { get() { throw new Error(v.message); }, enumerable: true });
    case "throwingProxy":
      return new Proxy({}, { get() { throw new TypeError(v.message); } });
    case "throwingPrototype":
      return new Proxy({}, { getPrototypeOf() { throw new Error("trap"); } });
  }
  throw new Error(`inputs.js: no value for ${JSON.stringify(v)}`);
}
