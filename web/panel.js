/*
 * The hosted verification panel. In an iframe ("embed" mode) it waits for the client token,
 * which the loader posts to this exact origin; it accepts it only from its parent window on
 * one of the tenant's embed origins, and reports to that origin alone. Opened from a verify
 * link ("page" mode) it finds its token in the page itself. The token travels only in the
 * Authorization header, never in a URL.
 */
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('tessera-config').textContent);
  var TOKEN = /^[A-Za-z0-9+/]{1,200}={0,2}$/;
  var STATE_CLASS = { 0: 'pending', 1: 'processing', 2: 'complete', 3: 'rejected', 4: 'review', 5: 'pending', 6: 'removed' };
  var MESSAGES = {
    token_expired: 'Your session has expired. Close this window and start again.',
    token_revoked: 'This session has ended. Close this window and start again.',
    token_invalid: 'This session is not valid. Close this window and start again.',
  };

  var token = null;
  var parentOrigin = null;
  var user = null;
  var shown = {};       // method id -> status value
  var completed = false;
  var ended = false;

  var el = {
    title: document.getElementById('title'),
    status: document.getElementById('status'),
    list: document.getElementById('checklist'),
    close: document.getElementById('close'),
  };

  function post(type, data) {
    if (config.mode !== 'embed' || !parentOrigin) return;
    window.parent.postMessage({ source: 'tessera-panel', v: 1, type: type, data: data || {} }, parentOrigin);
  }

  function reportSize() {
    post('resize', { height: document.documentElement.scrollHeight });
  }

  function setStatus(text, kind) {
    el.status.textContent = text;
    el.status.className = kind || 'muted';
  }

  function render(verifications) {
    el.list.textContent = '';
    verifications.forEach(function (v) {
      if (v.status.value === 6) return; // Removed
      var item = document.createElement('li');
      item.className = 'item state-' + (STATE_CLASS[v.status.value] || 'pending');
      item.setAttribute('data-method', String(v.id));
      var name = document.createElement('span');
      name.className = 'name';
      name.textContent = v.name;
      var badge = document.createElement('span');
      badge.className = 'badge';
      badge.textContent = v.status.friendly;
      item.appendChild(name);
      item.appendChild(badge);
      el.list.appendChild(item);
    });
    reportSize();
  }

  function isComplete(verifications) {
    var live = verifications.filter(function (v) { return v.status.value !== 6; });
    return live.length > 0 && live.every(function (v) { return v.status.value === 2; });
  }

  /** Applies a list: reports each status that moved since the last one shown, then completion. */
  function apply(verifications, report) {
    verifications.forEach(function (v) {
      var before = shown[v.id];
      shown[v.id] = v.status.value;
      if (report && before !== undefined && before !== v.status.value) {
        post('state_change', { method: v.name, state: v.status.friendly, verification_id: v.id, status: v.status.value });
      }
    });
    render(verifications);
    var done = isComplete(verifications);
    setStatus(done ? 'All done: every verification is complete.' : 'Complete each verification below.', done ? 'done' : 'muted');
    if (done && !completed) post('complete', { value: user.user_id });
    completed = done;
  }

  function fail(code, message) {
    if (ended) return;
    ended = true;
    setStatus(MESSAGES[code] || message || 'Something went wrong.', 'error');
    document.body.setAttribute('data-error', code);
    post('error', { code: code, message: message || MESSAGES[code] || '' });
  }

  function api(path) {
    return fetch(path, { headers: { Authorization: 'Bearer ' + token, Accept: 'application/json' }, cache: 'no-store', credentials: 'omit' });
  }

  function failFrom(response) {
    return response.json().then(function (body) {
      if (body && MESSAGES[body.code]) return fail(body.code, body.error_message);
      fail('token_invalid', 'The session could not be loaded.');
    }, function () { fail('token_invalid', 'The session could not be loaded.'); });
  }

  /** Reads server-sent events from a fetch body (EventSource cannot send the Authorization header). */
  function readEvents(response, onEvent) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = '';
    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) return;
        buffer += decoder.decode(chunk.value, { stream: true });
        var end;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          var block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          var event = 'message';
          var data = '';
          block.split('\n').forEach(function (line) {
            if (line.indexOf('event: ') === 0) event = line.slice(7);
            else if (line.indexOf('data: ') === 0) data += line.slice(6);
          });
          if (data) { try { onEvent(event, JSON.parse(data)); } catch (e) { /* a malformed event is skipped */ } }
        }
        return pump();
      });
    }
    return pump();
  }

  var retryMs = 500;
  function listen() {
    if (ended) return;
    api('/api/embed/events').then(function (response) {
      if (response.status === 401) return failFrom(response);
      if (!response.ok || !response.body) throw new Error('stream ' + response.status);
      retryMs = 500;
      return readEvents(response, function (event, data) {
        if (event === 'verifications' && Array.isArray(data.verifications)) apply(data.verifications, true);
        else if (event === 'token_error') fail(data.code, data.error_message);
      }).then(function () { if (!ended) listen(); });
    }).catch(function () {
      // Network trouble or a restarting server: try again, more slowly each time.
      if (ended) return;
      setTimeout(listen, retryMs);
      retryMs = Math.min(retryMs * 2, 10000);
    });
  }

  function start() {
    api('/api/embed/session').then(function (response) {
      if (!response.ok) return failFrom(response);
      return response.json().then(function (session) {
        user = session.user;
        var name = [user.first_name, user.last_name].filter(Boolean).join(' ');
        el.title.textContent = name ? 'Hi ' + name + ', verify your identity' : 'Verify your identity';
        apply(user.verifications, false);
        post('display');
        listen();
      });
    }).catch(function () {
      if (ended) return;
      ended = true;
      setStatus('Could not reach the verification service.', 'error');
      post('error', { code: 'network_error', message: 'Could not reach the verification service.' });
    });
  }

  if (config.mode === 'page') {
    token = config.token;
    start();
    return;
  }

  el.close.hidden = false;
  el.close.addEventListener('click', function () { post('exit'); });

  window.addEventListener('message', function (event) {
    if (token !== null || event.source !== window.parent) return;
    if (config.allowedOrigins.indexOf(event.origin) === -1) return;
    var data = event.data;
    if (data === null || typeof data !== 'object' || data.source !== 'tessera-loader' || data.v !== 1 || data.type !== 'token') return;
    if (typeof data.token !== 'string' || !TOKEN.test(data.token)) return;
    token = data.token;
    parentOrigin = event.origin;
    start();
  });

  if (window.parent === window) {
    setStatus('Open this page through the TrustVerify embed.', 'error');
    return;
  }
  // Nothing secret in here, and the parent's origin is not known yet: any listener may see it.
  window.parent.postMessage({ source: 'tessera-panel', v: 1, type: 'ready' }, '*');
})();
