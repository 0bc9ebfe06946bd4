import type { WebAssets } from '../embed/assets.js';
import { htmlHead } from '../embed/html.js';

/** The demo shop: a checkout page that asks the buyer to verify, and a stand-in for its backend. */
export function demoPage(assets: WebAssets): string {
  return `${htmlHead('Acme Outdoor: checkout (Tessera demo)', assets.demoStyle.hashedName)}
<body>
<header class="shop"><strong>Acme Outdoor</strong><span>Tessera demo shop</span></header>
<div class="layout">
  <section class="card">
    <h1>Checkout</h1>
    <p>Trail tent, 2 persons &middot; <strong>$349.00</strong></p>
    <p class="muted">Orders over $300 need a verified identity. The panel on the right is
      Tessera's hosted panel, opened by <code>TrustVerify</code> with a client token that this
      shop's backend minted. No API key is in this page.</p>
    <button type="button" id="verify" class="primary">Verify my identity</button>
    <h2>Shop backend (simulated)</h2>
    <p class="muted">What the shop's server would do with its API key:
      <code>PATCH /api/users/{id}/verifications</code>. Watch the panel follow.</p>
    <ul id="backend"></ul>
    <h2>Events from the embed</h2>
    <ol id="events" class="events"></ol>
  </section>
  <section class="card embed"><div id="embed"><p class="muted">The verification panel opens here.</p></div></section>
</div>
<script src="/account/assets/${assets.loader.hashedName}"></script>
<script src="/account/assets/${assets.demoScript.hashedName}"></script>
</body>
</html>
`;
}
