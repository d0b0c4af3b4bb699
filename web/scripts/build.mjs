// Builds the playground page into build/web/: index.html, playground.js (one classic script:
// the engine, build/wasm/tcpplay.js with its wasm embedded, then the IIFE bundle of web/src,
// lessons included) and playground.css. The page works opened from disk (file://) and served.
// One script rather than two: the browser parses it in one go (two blocking scripts were read
// and parsed one after the other; load to the first frame was about 30 ms slower).
//
//   node scripts/build.mjs [--dev]     (npm run build)
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = resolve(web, '..');
const out = join(root, 'build/web');
const dev = process.argv.includes('--dev');

/** The lessons: examples/NN-<id>.json; the id (file name without number) never changes. */
function lessons() {
  const dir = join(root, 'examples');
  return readdirSync(dir)
    .filter((f) => /^\d+-.+\.json$/.test(f))
    .sort()
    .map((file) => {
      const json = readFileSync(join(dir, file), 'utf8');
      const doc = JSON.parse(json);
      const m = /^(\d+)-(.+)\.json$/.exec(file);
      return { id: m[2], file, number: Number(m[1]), title: doc.title ?? m[2], description: doc.description ?? '', watch: doc.watch ?? [], json };
    });
}

const lessonsPlugin = {
  name: 'tcpplay-lessons',
  setup(b) {
    b.onResolve({ filter: /^tcpplay:lessons$/ }, () => ({ path: 'lessons', namespace: 'tcpplay-lessons' }));
    b.onLoad({ filter: /.*/, namespace: 'tcpplay-lessons' }, () => ({
      contents: `export const LESSONS = ${JSON.stringify(lessons())};`,
      loader: 'js',
      watchFiles: readdirSync(join(root, 'examples')).map((f) => join(root, 'examples', f)),
    }));
  },
};

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' data:; img-src 'self' data:";

const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>TCP/UDP Playground</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="playground.css">
</head>
<body>
<tcp-playground routing></tcp-playground>
<noscript><p class="noscript">The TCP/UDP Playground needs JavaScript and WebAssembly.</p></noscript>
<script src="playground.js"></script>
</body>
</html>
`;

async function main() {
  const wasm = join(root, 'build/wasm/tcpplay.js');
  if (!existsSync(wasm)) {
    console.error(`${wasm} is missing: build the WebAssembly module first (README, "In a web page")`);
    process.exit(2);
  }
  mkdirSync(out, { recursive: true });
  const common = { bundle: true, minify: !dev, sourcemap: dev ? 'inline' : false, logLevel: 'warning', legalComments: 'none' };
  await build({
    ...common,
    entryPoints: [join(web, 'src/main.ts')],
    outfile: join(out, 'playground.js'),
    format: 'iife',
    target: ['chrome95', 'firefox113', 'safari16.4'],
    plugins: [lessonsPlugin],
    tsconfig: join(web, 'tsconfig.json'),
  });
  await build({ ...common, entryPoints: [join(web, 'src/page.css')], outfile: join(out, 'playground.css') });
  const bundle = join(out, 'playground.js');
  writeFileSync(bundle, `${readFileSync(wasm, 'utf8')}\n${readFileSync(bundle, 'utf8')}`);
  rmSync(join(out, 'tcpplay.js'), { force: true });
  writeFileSync(join(out, 'index.html'), html);
  console.log(`built ${out}/index.html`);
}

await main();
