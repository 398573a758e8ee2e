// The inbox refreshing itself: listens to the console's server-sent events (/inbox/events) and,
// when a gate opened, moved or closed, fetches the inbox again and swaps in its list. Served from
// the console's own origin (its content security policy allows no inline script).
(function () {
  const list = document.getElementById('inbox-list');
  const live = document.getElementById('live');
  if (!list || !window.EventSource) return;
  let busy = false;
  let again = false;
  async function refresh() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      const answer = await fetch('/inbox', { credentials: 'same-origin', headers: { accept: 'text/html' } });
      if (answer.redirected && new URL(answer.url).pathname === '/login') {
        live.textContent = 'Signed out: reload the page to sign in again.';
        return;
      }
      const fresh = new DOMParser().parseFromString(await answer.text(), 'text/html');
      const next = fresh.getElementById('inbox-list');
      if (next) list.replaceChildren(...next.childNodes);
      const drawn = fresh.getElementById('live');
      if (drawn && live) live.textContent = drawn.textContent;
      document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed || 0) + 1);
    } catch (err) {
      if (live) live.textContent = 'Could not refresh the list: ' + err.message;
    } finally {
      busy = false;
      if (again) {
        again = false;
        void refresh();
      }
    }
  }
  const events = new EventSource('/inbox/events');
  events.addEventListener('ready', function () {
    document.body.dataset.live = 'connected';
  });
  events.addEventListener('inbox', function () {
    void refresh();
  });
})();
