'use strict';
// Builds theme/static/js/plotly-bar-scatter.min.js from the versions pinned in
// package-lock.json: `make plotly` (or `npm ci && npm run build:plotly`).
// Same lockfile, same bytes: esbuild output is deterministic.
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..', '..');
const outfile = process.argv[2] || path.join(root, 'theme', 'static', 'js', 'plotly-bar-scatter.min.js');
const version = require('plotly.js/package.json').version;

// The attributes' documentation (description, hrName, ...) only serves
// plotly's schema and docs; the browser never reads it. Dropping it from the
// sources saves about a tenth of the bundle.
const DOCUMENTATION = [
    /\s*description: '.*',?/g,
    /\s*description: \[[\s\S]*?\]\.join\([^)]*\),?/g,
    /\s*requiredOpts: \[[\s\S]*?\],?/g,
    /\s*otherOpts: \[[\s\S]*?\],?/g,
    /\s*hrName: '.*',?/g,
];

const stripDocumentation = {
    name: 'strip-plotly-documentation',
    setup(build) {
        build.onLoad({filter: /[\\/]plotly\.js[\\/]src[\\/].*\.js$/}, async (args) => {
            let source = await fs.promises.readFile(args.path, 'utf8');
            for (const pattern of DOCUMENTATION) source = source.replace(pattern, '');
            return {contents: source, loader: 'js'};
        });
    },
};

esbuild.build({
    entryPoints: [path.join(__dirname, 'plotly-bar-scatter.js')],
    outfile,
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'Plotly',
    target: 'es2016',
    define: {global: 'window', 'define.amd': 'false'},
    // Only the map traces import a stylesheet; there are none here.
    loader: {'.css': 'empty'},
    legalComments: 'eof',
    banner: {js: `/*! plotly.js ${version}, bar and scatter traces only (https://github.com/plotly/plotly.js, MIT License); built by theme/js-src/build-plotly.js */`},
    plugins: [stripDocumentation],
    logLevel: 'warning',
}).then(() => {
    const size = fs.statSync(outfile).size;
    console.log(`${path.relative(root, outfile)}: ${size} bytes (plotly.js ${version})`);
}).catch(() => process.exit(1));
