// Rollup 4 without an asset plugin: the files are copied beside the
// bundle, as docs/embedding.md says (the test copies them).
import { nodeResolve } from "@rollup/plugin-node-resolve";

export default {
  input: "src/main.js",
  output: { dir: "dist/rollup-plain", format: "es" },
  plugins: [nodeResolve()],
};
