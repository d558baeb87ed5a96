// Vite builds the app into dist/vite with its defaults: the package's
// literal new URL("./…", import.meta.url) makes the module an asset.
export default {
  build: { outDir: "dist/vite", emptyOutDir: true },
  logLevel: "warn",
};
