// The console's one stylesheet, shared by the approval pages and the operations views. Phone
// first: on a narrow screen (up to 640 px) a table of class "cards" shows each row as a card
// (each cell labelled from its data-label), a "pairs" table shows label over value, and wide
// tables scroll inside their box rather than widening the page. Colours keep a contrast of at
// least 4.5:1 on their backgrounds.
export const STYLE = `<style>
 *{box-sizing:border-box}
 body{font:15px/1.45 system-ui,sans-serif;margin:0;padding:16px;color:#1d2433;background:#f7f8fa;overflow-wrap:anywhere}
 main{max-width:1200px}
 h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:24px 0 8px}
 table{border-collapse:collapse;background:#fff;max-width:100%} td,th{border:1px solid #dde1e8;padding:6px 10px;text-align:left;vertical-align:top}
 th{background:#eef1f5;font-weight:600} .num{text-align:right;font-variant-numeric:tabular-nums} .empty{color:#5b6578}
 .flash{padding:8px 12px;margin:12px 0;border-radius:4px} .flash.ok{background:#ecfdf3} .flash.error{background:#fef3f2}
 pre{margin:0;font:12px monospace;white-space:pre-wrap;max-width:640px} nav{margin:0 0 12px;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center} nav form{display:inline}
 a{color:#1849a9} .allergy{color:#b42318;font-weight:600} fieldset{background:#fff;border:1px solid #dde1e8;max-width:640px;margin:0;padding:12px} label{display:block;margin:6px 0}
 input,select,textarea,button{font:inherit} input:not([type=radio]),select{min-height:40px;max-width:100%} button{min-height:44px;padding:0 16px}
 textarea{width:100%;max-width:600px;height:80px} textarea.code{height:140px;font:12px monospace} .on{color:#067647;font-weight:600} .off{color:#5b6578}
 .options{display:flex;flex-wrap:wrap;gap:4px 8px} .option{display:flex;align-items:center;gap:6px;min-height:44px;padding:0 12px;border:1px solid #dde1e8;border-radius:6px;background:#f7f8fa}
 .open{color:#b42318;font-weight:600} .half-open{color:#b54708;font-weight:600} .closed{color:#067647}
 .approvers{font-weight:600} .live{color:#5b6578;font-size:13px} .hint{margin:8px 0 0;color:#5b6578}
 details summary{cursor:pointer;color:#1849a9;min-height:32px} .scroll{overflow-x:auto;max-width:100%}
 .reason{max-width:460px} #dead-letters textarea{height:70px;font:12px monospace}
 @media (max-width:640px){
  body{padding:10px}
  table.cards,table.cards tbody,table.cards tr,table.cards td{display:block;width:100%}
  table.cards thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
  table.cards tr{margin:0 0 10px;border:1px solid #dde1e8;border-radius:6px;background:#fff}
  table.cards td{border:0;border-top:1px solid #eef1f5;padding:6px 10px} table.cards td:first-child{border-top:0}
  table.cards td[data-label]::before{content:attr(data-label);display:block;font-size:12px;color:#5b6578}
  table.cards td.num{text-align:left}
  table.pairs,table.pairs tbody,table.pairs tr,table.pairs th,table.pairs td{display:block;width:100%}
  table.pairs th{border-bottom:0}
  pre{max-width:100%}
 }
</style>`;
