import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The browser files in web/ (plain JavaScript and CSS, no build step), read once at start.
 * Each is served under a content-hashed name that can be cached for good; the loader is also
 * served under its stable public name for pages that cannot pin a hash.
 */
export interface Asset {
  /** e.g. `panel.3f2a9c1b7d4e.js` */
  hashedName: string;
  hash: string;
  body: Buffer;
  contentType: string;
}

// src/embed and dist/embed are both two levels below the package root.
const WEB_DIR = new URL('../../web/', import.meta.url);

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

function load(file: string): Asset {
  const body = readFileSync(fileURLToPath(new URL(file, WEB_DIR)));
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  const dot = file.lastIndexOf('.');
  return { hashedName: `${file.slice(0, dot)}.${hash}${file.slice(dot)}`, hash, body, contentType: TYPES[file.slice(dot + 1)] };
}

export interface WebAssets {
  loader: Asset;
  panelScript: Asset;
  panelStyle: Asset;
  demoScript: Asset;
  demoStyle: Asset;
  /** Hashed name -> asset, for the immutable route. */
  byName: Map<string, Asset>;
}

let cached: WebAssets | null = null;

export function webAssets(): WebAssets {
  if (cached) return cached;
  const loaded = {
    loader: load('trust-verify.js'),
    panelScript: load('panel.js'),
    panelStyle: load('panel.css'),
    demoScript: load('demo.js'),
    demoStyle: load('demo.css'),
  };
  cached = { ...loaded, byName: new Map(Object.values(loaded).map((a) => [a.hashedName, a])) };
  return cached;
}
