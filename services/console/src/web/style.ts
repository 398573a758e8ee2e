// The console's one stylesheet, shared by the approval pages and the operations views.
export const STYLE = `<style>
 body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2433;background:#f7f8fa}
 h1{font-size:20px;margin:0 0 4px} h2{font-size:15px;margin:24px 0 8px}
 table{border-collapse:collapse;background:#fff;min-width:480px} td,th{border:1px solid #dde1e8;padding:5px 10px;text-align:left;vertical-align:top}
 th{background:#eef1f5;font-weight:600} .num{text-align:right;font-variant-numeric:tabular-nums} .empty{color:#7a8599}
 .flash{padding:8px 12px;margin:12px 0;border-radius:4px} .flash.ok{background:#ecfdf3} .flash.error{background:#fef3f2}
 pre{margin:0;font:12px monospace;white-space:pre-wrap;max-width:640px} nav{margin:0 0 12px} nav a,nav form{margin-right:12px;display:inline}
 .allergy{color:#b42318;font-weight:600} fieldset{background:#fff;border:1px solid #dde1e8;max-width:640px} label{display:block;margin:4px 0}
 textarea{width:420px;height:60px} textarea.code{height:140px;font:12px monospace} .on{color:#067647;font-weight:600} .off{color:#7a8599}
 .open{color:#b42318;font-weight:600} .half-open{color:#b54708;font-weight:600} .closed{color:#067647}
 .reason{max-width:460px} #dead-letters textarea{height:70px;font:12px monospace}
</style>`;
