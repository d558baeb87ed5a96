// webpack builds the app into dist/webpack with its defaults: the
// package's literal new URL("./…", import.meta.url) makes the module an asset.
import { fileURLToPath } from "node:url";

export default {
  mode: "production",
  entry: "./src/main.js",
  output: { path: fileURLToPath(new URL("dist/webpack", import.meta.url)), filename: "main.js", clean: true },
  // A 9 MB WebAssembly module is what this app is about.
  performance: { hints: false },
};
