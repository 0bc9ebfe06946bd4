/* The demo shop page: mints a client token through its backend route, opens the embed, and
 * offers the backend's status changes as buttons so the live updates can be watched. */
(function () {
  'use strict';
  var STATUS = { pending: 0, processing: 1, complete: 2, rejected: 3 };
  var events = document.getElementById('events');
  var backend = document.getElementById('backend');
  var embed = document.getElementById('embed');

  function log(text) {
    var item = document.createElement('li');
    item.textContent = new Date().toLocaleTimeString() + '  ' + text;
    events.insertBefore(item, events.firstChild);
  }

  function post(path, body) {
    return fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body || {}) })
      .then(function (r) { return r.json(); });
  }

  function showBackend(verifications) {
    backend.textContent = '';
    verifications.forEach(function (v) {
      var item = document.createElement('li');
      var label = document.createElement('span');
      label.textContent = v.name + ': ' + v.status.friendly;
      item.appendChild(label);
      ['processing', 'complete', 'rejected', 'pending'].forEach(function (state) {
        var button = document.createElement('button');
        button.type = 'button';
        button.textContent = state;
        button.setAttribute('data-method', String(v.id));
        button.setAttribute('data-state', state);
        button.addEventListener('click', function () {
          post('/demo/verifications', { verification_id: v.id, status: STATUS[state] }).then(function (r) {
            if (r.verifications) showBackend(r.verifications);
          });
        });
        item.appendChild(button);
      });
      backend.appendChild(item);
    });
  }

  var handler = TrustVerify.configure({
    onDisplay: function () { log('onDisplay()'); },
    onStateChange: function (e) { log('onStateChange ' + e.method + ' -> ' + e.state); },
    onComplete: function (e) { log('onComplete, every verification is complete'); },
    onExit: function () { log('onExit()'); embed.innerHTML = '<p class="muted">Closed. Press "Verify my identity" to open it again.</p>'; },
    onError: function (e) { log('onError ' + e.code + ': ' + e.message); },
  });

  document.getElementById('verify').addEventListener('click', function () {
    post('/demo/session').then(function (session) {
      showBackend(session.verifications);
      embed.textContent = '';
      handler.open({ clientToken: session.token, baseUrl: window.location.origin, container: embed });
    });
  });
})();
