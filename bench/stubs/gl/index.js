// Stand-in for the native headless-gl addon (see package.json). Creating a WebGL context
// is the only thing gl does; here it fails loudly instead of returning a broken context.
module.exports = function createContext() {
  throw new Error("headless-gl is stubbed in torch-ts's benchmarks: js-pytorch runs on the CPU only");
};
