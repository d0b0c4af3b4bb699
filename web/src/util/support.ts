// What the engine needs from the browser: WebAssembly exceptions (the legacy proposal that
// Emscripten 3.1 emits) and DecompressionStream (the wasm is embedded gzipped).

/** A module whose one function has try / catch_all / end (wasm-feature-detect's test). */
const EXCEPTIONS_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 8, 1, 6, 0, 6, 64, 25, 11, 11]);

export function browserSupported(): boolean {
  try {
    return typeof DecompressionStream === 'function' && typeof WebAssembly === 'object' && WebAssembly.validate(EXCEPTIONS_PROBE);
  } catch {
    return false;
  }
}
