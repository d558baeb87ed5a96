// webpack with ES-module output (experiments.outputModule, output.module),
// a common modern configuration: it starts the module's Worker as a module
// worker, which has no importScripts.
import { fileURLToPath } from "node:url";

export default {
  mode: "production",
  entry: "./src/main.js",
  experiments: { outputModule: true },
  output: { path: fileURLToPath(new URL("dist/webpack-esm", import.meta.url)), filename: "main.js", module: true, clean: true },
  performance: { hints: false },
};
