// Build step: makes the one self-contained module script, build/wasm/tcpplay.js, from what emcc
// writes (the JavaScript glue and the .wasm beside it).
//
//   node embed.mjs GLUE.js MODULE.wasm OUT.js
//
// Why not -sSINGLE_FILE: it embeds the wasm as plain base64, which gzip compresses badly (the
// script gzipped was 0.53 of the wasm's size). Here the wasm is gzipped first and then base64
// encoded, and the script inflates it with DecompressionStream before instantiating it through
// Emscripten's `instantiateWasm` hook. The page downloads about 30% less and parses a smaller
// script; the cost is needing DecompressionStream (Chrome 80, Firefox 113, Safari 16.4, Node 18).
// Like SINGLE_FILE it fetches nothing, so it works from file:// and under a CSP without data:.
// The gzip stream comes from zopfli (Debian's `zopfli`), 5% smaller than zlib's level 9 and
// read by any gzip decoder; it is deterministic and writes no timestamp, so the same wasm always
// gives the same script.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const [gluePath, wasmPath, outPath] = process.argv.slice(2);
if (!outPath) {
  console.error('usage: node embed.mjs GLUE.js MODULE.wasm OUT.js');
  process.exit(2);
}

const glue = readFileSync(gluePath, 'utf8');
if (!glue.includes('var TcpPlayModule')) {
  console.error(`${gluePath}: expected an Emscripten MODULARIZE script defining TcpPlayModule`);
  process.exit(1);
}
const zopfli = spawnSync('zopfli', ['--gzip', '-c', wasmPath], { maxBuffer: 64 << 20 });
if (zopfli.error || zopfli.status !== 0) {
  console.error(`embed.mjs: zopfli failed (${zopfli.error ? zopfli.error.message : zopfli.stderr}); ` +
                'install it with apt-get install zopfli');
  process.exit(1);
}
const packed = zopfli.stdout.toString('base64');

// Wraps the factory emcc made: every instance gets its wasm from the embedded bytes.
const loader = `
(function () {
  var createModule = TcpPlayModule;
  var WASM_GZIP_BASE64 = "${packed}";

  function packedBytes() {
    if (typeof Buffer === 'function') return new Uint8Array(Buffer.from(WASM_GZIP_BASE64, 'base64'));
    // Native base64 decoding where the browser has it (Chrome 140, Firefox 133, Safari 18.2).
    if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(WASM_GZIP_BASE64);
    var text = atob(WASM_GZIP_BASE64);
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }

  // The compiled module, made once per page and shared by every instance (every playground on
  // a page has its own instance and memory, but the code is compiled once).
  var compiled = null;
  function compiledModule() {
    if (compiled) return compiled;
    if (typeof DecompressionStream !== 'function')
      return Promise.reject(new Error('tcpplay: this JavaScript engine has no DecompressionStream ' +
                                      '(Chrome 80, Firefox 113, Safari 16.4 and Node 18 have it)'));
    // A stream made here, not Blob.stream(): a Blob's bytes are read back through the browser's
    // blob storage (another process), which made inflating take 40-60 ms instead of 20-25.
    var packed = packedBytes();
    var source = new ReadableStream({
      start: function (controller) {
        controller.enqueue(packed);
        controller.close();
      },
    });
    var wasm = source.pipeThrough(new DecompressionStream('gzip'));
    if (typeof WebAssembly.compileStreaming === 'function' && typeof document !== 'undefined') {
      // Streaming: compiling starts while the bytes are still being inflated.
      compiled = WebAssembly.compileStreaming(
        new Response(wasm, { headers: { 'Content-Type': 'application/wasm' } }));
    } else {
      compiled = new Response(wasm).arrayBuffer().then(function (bytes) { return WebAssembly.compile(bytes); });
    }
    compiled.catch(function () { compiled = null; });  // a later instance tries again
    return compiled;
  }

  TcpPlayModule = function (options) {
    return new Promise(function (resolve, reject) {
      var settings = {};
      for (var key in options || {}) settings[key] = options[key];
      settings['instantiateWasm'] = function (imports, receiveInstance) {
        compiledModule()
          .then(function (module) {
            return WebAssembly.instantiate(module, imports).then(function (instance) {
              receiveInstance(instance, module);
            });
          })
          .catch(reject);
        return {};  // the exports arrive later, through receiveInstance
      };
      createModule(settings).then(resolve, reject);
    });
  };
  // In a page, compiling starts as soon as this script runs, off the main thread, so it
  // overlaps the parsing of the page's own script and its first render.
  if (typeof document !== 'undefined' && typeof WebAssembly === 'object') compiledModule().catch(function () {});
  if (typeof module === 'object' && module.exports) module.exports = TcpPlayModule;
  else if (typeof exports === 'object') exports['TcpPlayModule'] = TcpPlayModule;
})();
`;

writeFileSync(outPath, glue + loader);
