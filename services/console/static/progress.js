// The console's workflow page, live: follows /workflows/<id>/progress (Server-Sent Events of the
// workflow's progress, read by the console from BATON_PROGRESS) and lists each event as it comes;
// the state shown at the top follows the state changes. EventSource reconnects by itself with
// Last-Event-ID, so nothing is missed across a dropped connection; the stream ends with the outcome.
(function () {
  'use strict';
  var list = document.getElementById('progress');
  if (!list || typeof EventSource === 'undefined') return;
  var state = document.getElementById('state');
  var source = new EventSource(list.getAttribute('data-src'));
  function describe(e) {
    switch (e.kind) {
      case 'state':
        return 'state: ' + e.state;
      case 'outcome':
        return 'outcome: ' + e.state + (e.succeeded ? '' : ' (did not succeed)');
      case 'step.started':
        return (e.stepKind === 'compensate' ? 'undo ' : 'step ') + e.stepId + ' (' + e.agent + ') started';
      case 'step.finished':
        return (
          (e.stepKind === 'compensate' ? 'undo ' : 'step ') +
          e.stepId +
          ' (' +
          e.agent +
          ') ' +
          e.result +
          (e.errorCode ? ' ' + e.errorCode : '')
        );
      default:
        return (
          e.kind.replace('.', ' ') +
          ': ' +
          e.gateType +
          ' for ' +
          e.role +
          (e.decision ? ', ' + e.decision + ' by ' + e.decidedBy : '')
        );
    }
  }
  function show(message) {
    var e = JSON.parse(message.data);
    var item = document.createElement('li');
    item.setAttribute('data-kind', e.kind);
    item.setAttribute('data-seq', String(e.seq));
    item.textContent = e.at + ' · ' + describe(e);
    list.appendChild(item);
    if (e.kind === 'state' && state) state.textContent = e.state;
    if (e.kind === 'outcome') source.close();
  }
  ['state', 'outcome', 'step.started', 'step.finished', 'gate.opened', 'gate.escalated', 'gate.decided'].forEach(
    function (kind) {
      source.addEventListener(kind, show);
    },
  );
})();
