// Rollup 4 with @web/rollup-plugin-import-meta-assets, which emits the
// files the loader names as new URL("./…", import.meta.url).
import { nodeResolve } from "@rollup/plugin-node-resolve";
import { importMetaAssets } from "@web/rollup-plugin-import-meta-assets";

export default {
  input: "src/main.js",
  output: { dir: "dist/rollup", format: "es" },
  plugins: [nodeResolve(), importMetaAssets()],
};
