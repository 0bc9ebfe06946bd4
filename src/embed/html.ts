import type { WebAssets } from './assets.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ENTITIES[c]);

/** JSON inside a `<script type="application/json">` block: `<` escaped so it cannot close the tag. */
const jsonBlock = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** The head every page shares: charset, viewport, no favicon request, one stylesheet. */
export function htmlHead(title: string, stylesheet: string, extra = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">${extra}
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/account/assets/${stylesheet}">
</head>`;
}

/** What the panel script reads at start (see web/panel.js). */
export type PanelConfig =
  | { mode: 'embed'; allowedOrigins: string[] }
  | { mode: 'page'; token: string };

export function panelPage(assets: WebAssets, config: PanelConfig): string {
  return `${htmlHead('Verify your identity', assets.panelStyle.hashedName, '\n<meta name="referrer" content="no-referrer">')}
<body class="mode-${config.mode}">
<main id="panel" aria-live="polite">
  <header>
    <h1 id="title">Verify your identity</h1>
    <button type="button" id="close" aria-label="Close" hidden>&times;</button>
  </header>
  <p id="status" class="muted">Connecting&hellip;</p>
  <ul id="checklist"></ul>
</main>
<script id="tessera-config" type="application/json">${jsonBlock(config)}</script>
<script src="/account/assets/${assets.panelScript.hashedName}"></script>
</body>
</html>
`;
}

/** A plain page for a link that cannot be opened (tampered, expired). */
export function messagePage(assets: WebAssets, title: string, message: string): string {
  return `${htmlHead(title, assets.panelStyle.hashedName)}
<body class="mode-page">
<main id="panel"><h1>${escapeHtml(title)}</h1><p id="status" class="error">${escapeHtml(message)}</p></main>
</body>
</html>
`;
}

/** Pages we serve run only our own files; nothing inline, nothing from elsewhere. */
export function pagePolicy(frameAncestors: string): string {
  return [
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "img-src 'self' data:",
    "base-uri 'none'", "form-action 'none'", `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}
