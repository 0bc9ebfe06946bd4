/*
 * Tessera embed loader, compatible with the public TrustVerify embed API:
 *
 *   const handler = TrustVerify.configure({ onDisplay, onStateChange, onComplete, onExit, onError });
 *   handler.open({ clientToken, baseUrl, modal: true });   // or { container: element }
 *   handler.close();
 *
 * The client token reaches the panel only by postMessage addressed to the panel's exact
 * origin (never in a URL), and only after the panel inside our own iframe asks for it.
 * Messages from any other window or origin are ignored.
 */
(function () {
  'use strict';
  if (window.TrustVerify && window.TrustVerify.tessera) return;

  var PANEL_PATH = '/account/embed';
  var FROM_PANEL = 'tessera-panel';
  var FROM_LOADER = 'tessera-loader';
  var PROTOCOL = 1;
  var TOKEN = /^[A-Za-z0-9+/]{1,200}={0,2}$/;
  var ERROR_CODES = ['token_invalid', 'token_expired', 'token_revoked', 'network_error'];

  function isObject(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  }

  /** The panel's origin from baseUrl, which must be an absolute http(s) URL. */
  function panelOrigin(baseUrl) {
    var url = null;
    try { url = new URL(baseUrl); } catch (e) { /* reported below */ }
    if (typeof baseUrl !== 'string' || !url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw new TypeError('TrustVerify: baseUrl must be an absolute http(s) URL, like https://acme.example.com');
    }
    return url.origin;
  }

  /**
   * A message from our panel, or null: right origin, from our own iframe's window, tagged as
   * the panel's and of a known type. Everything else (other frames, other origins, strings,
   * junk) is dropped without a trace.
   */
  function readPanelMessage(event, frame, origin) {
    if (event.origin !== origin || !frame.contentWindow || event.source !== frame.contentWindow) return null;
    var data = event.data;
    if (!isObject(data) || data.source !== FROM_PANEL || data.v !== PROTOCOL || typeof data.type !== 'string') return null;
    var body = isObject(data.data) ? data.data : {};
    switch (data.type) {
      case 'ready':
      case 'display':
      case 'exit':
        return { type: data.type };
      case 'state_change':
        if (typeof body.method !== 'string' || typeof body.state !== 'string' || typeof body.verification_id !== 'number') return null;
        return { type: data.type, payload: { method: body.method, state: body.state, verification_id: body.verification_id, status: body.status } };
      case 'complete':
        return { type: data.type, payload: { value: body.value } };
      case 'error':
        if (ERROR_CODES.indexOf(body.code) === -1) return null;
        return { type: data.type, payload: { code: body.code, message: typeof body.message === 'string' ? body.message : '' } };
      case 'resize':
        if (typeof body.height !== 'number' || !(body.height > 0) || body.height > 5000) return null;
        return { type: data.type, height: body.height };
      default:
        return null;
    }
  }

  function css(element, styles) {
    for (var key in styles) element.style[key] = styles[key];
    return element;
  }

  function configure(callbacks) {
    callbacks = isObject(callbacks) ? callbacks : {};
    var current = null;

    function call(name, argument) {
      var fn = callbacks[name];
      if (typeof fn !== 'function') return;
      // A throwing callback must not break the embed; it still reaches the console.
      try { fn(argument); } catch (error) { setTimeout(function () { throw error; }); }
    }

    function teardown(notify) {
      if (!current) return;
      var state = current;
      current = null;
      window.removeEventListener('message', state.listener);
      document.removeEventListener('keydown', state.onKey);
      if (state.root.parentNode) state.root.parentNode.removeChild(state.root);
      if (notify) call('onExit');
    }

    function open(options) {
      if (!isObject(options)) throw new TypeError('TrustVerify: open() needs { clientToken, baseUrl }');
      var token = options.clientToken;
      if (typeof token !== 'string' || !TOKEN.test(token)) throw new TypeError('TrustVerify: clientToken is missing or malformed');
      var origin = panelOrigin(options.baseUrl);
      var container = options.container;
      if (container !== undefined && container !== null && !(container instanceof Element)) throw new TypeError('TrustVerify: container must be an element');
      var modal = options.modal === true || !container;
      teardown(false);

      var frame = css(document.createElement('iframe'), { border: '0', width: '100%', height: modal ? '100%' : '480px', display: 'block', background: '#fff' });
      frame.title = 'Identity verification';
      frame.setAttribute('allow', 'camera; microphone; geolocation');
      frame.referrerPolicy = 'origin';
      var root = frame;
      if (modal) {
        root = css(document.createElement('div'), {
          position: 'fixed', inset: '0', zIndex: '2147483647', background: 'rgba(15, 23, 42, 0.55)',
          display: 'flex', alignItems: 'center', justifyContent: 'center',
        });
        root.setAttribute('data-trustverify', 'overlay');
        var box = css(document.createElement('div'), {
          width: 'min(460px, 94vw)', height: 'min(640px, 90vh)', borderRadius: '12px', overflow: 'hidden',
          boxShadow: '0 20px 50px rgba(0, 0, 0, 0.3)', background: '#fff',
        });
        box.appendChild(frame);
        root.appendChild(box);
        root.addEventListener('click', function (event) { if (event.target === root) teardown(true); });
      }

      var state = { root: root, frame: frame, origin: origin, listener: null, onKey: null };
      state.onKey = function (event) { if (modal && event.key === 'Escape' && current === state) teardown(true); };
      state.listener = function (event) {
        if (current !== state) return;
        var message = readPanelMessage(event, frame, origin);
        if (!message) return;
        switch (message.type) {
          case 'ready':
            frame.contentWindow.postMessage({ source: FROM_LOADER, v: PROTOCOL, type: 'token', token: token }, origin);
            break;
          case 'display': call('onDisplay'); break;
          case 'state_change': call('onStateChange', message.payload); break;
          case 'complete': call('onComplete', message.payload); break;
          case 'error': call('onError', message.payload); break;
          case 'exit': teardown(true); break;
          case 'resize': if (!modal) frame.style.height = Math.ceil(message.height) + 'px'; break;
        }
      };
      current = state;
      window.addEventListener('message', state.listener);
      document.addEventListener('keydown', state.onKey);
      frame.src = origin + PANEL_PATH;
      (modal ? document.body : container).appendChild(root);
    }

    return {
      open: open,
      /** Closes the embed; fires onExit when one was open. */
      close: function () { teardown(true); },
    };
  }

  window.TrustVerify = { configure: configure, version: '1', tessera: true };
})();
