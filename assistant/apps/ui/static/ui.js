// Handlers run by Gradio's gr.HTML(js_on_load=...): each section below is the script
// of one component; app.py cuts this file at the '// @section NAME' lines.

// @section sources
// The sources panel also listens for clicks on chips anywhere in the page (they live in
// the chat) and sends {turn, n} to the server as its custom "cite" event. Re-mounting
// replaces the listener instead of adding a second one.
// On a phone (<= 480 px) the sources panel and reader are a sheet over the chat: a tap on
// a chip shows its popover (passage, 《标题》·报纸·日期) and a tap on a source under an
// answer opens the sheet on the whole article; "back to the answer" closes it.
const phone = () => window.matchMedia('(max-width: 480px)').matches;
const pick = (el) => {
  let turn = el.dataset.turn, n = el.dataset.n;
  if ((turn === undefined || n === undefined) && el.getAttribute('href')) {
    const m = /#(?:cite|src)-(\d+)-(\d+)/.exec(el.getAttribute('href'));
    if (m) { turn = m[1]; n = m[2]; }
  }
  return (turn === undefined || n === undefined) ? null : {turn: Number(turn), n: Number(n)};
};
const closePops = (except) => {
  document.querySelectorAll('.cite-wrap.open').forEach((w) => { if (w !== except) w.classList.remove('open'); });
};
const openSheet = () => { if (phone()) document.body.classList.add('sheet-open'); };
const onClick = (e) => {
  const target = e.target && e.target.closest ? e.target : null;
  if (!target) return;
  if (target.closest('a.meta-url')) return;  // the source URL opens itself
  const el = target.closest('a.cite, .cite-source, .inline-source');
  if (!el) { closePops(null); return; }
  const data = pick(el);
  if (!data) return;
  e.preventDefault();
  e.stopPropagation();
  if (el.matches('a.cite')) {
    if (phone()) { trigger('cite', data); return; }   // the popover shows the passage
  } else {
    closePops(null);
    if (el.matches('.inline-source')) openSheet();
  }
  trigger('cite', data);
};
const onKey = (e) => {
  if (e.key === 'Escape') { closePops(null); document.body.classList.remove('sheet-open', 'drawer-open'); return; }
  if (e.key !== 'Enter' && e.key !== ' ') return;
  if (e.target && e.target.closest && e.target.closest('a.meta-url')) return;
  const el = e.target && e.target.closest ? e.target.closest('.cite-source, .inline-source') : null;
  if (el) {
    const data = pick(el);
    if (data) { e.preventDefault(); if (el.matches('.inline-source')) openSheet(); trigger('cite', data); }
  }
};
if (window.__assistantCite) {
  document.removeEventListener('click', window.__assistantCite.click, true);
  document.removeEventListener('keydown', window.__assistantCite.key, true);
}
window.__assistantCite = {click: onClick, key: onKey};
document.addEventListener('click', onClick, true);
document.addEventListener('keydown', onKey, true);

// The chip's popover: its hidden .cite-pop (《标题》·报纸·日期 and the passage) shown in one
// tooltip element on the page, placed by the chip (below it, or above when there is no
// room), so no message of the chat covers it and no panel edge cuts it. Hover or focus
// shows it; a click or tap keeps it until a click elsewhere or Escape.
const tip = (() => {
  let el = document.getElementById('cite-tooltip');
  if (!el) {
    el = document.createElement('div');
    el.id = 'cite-tooltip';
    el.setAttribute('role', 'tooltip');
    el.hidden = true;
    document.body.appendChild(el);
  }
  return el;
})();
let pinned = null;
const showTip = (chip) => {
  const pop = chip.closest('.cite-wrap')?.querySelector('.cite-pop');
  if (!pop) return;
  tip.innerHTML = pop.innerHTML;   // the server's escaped HTML of that citation
  tip.hidden = false;
  const r = chip.getBoundingClientRect(), w = Math.min(360, window.innerWidth - 16);
  tip.style.width = w + 'px';
  tip.style.left = Math.max(8, Math.min(r.left - 20, window.innerWidth - w - 8)) + 'px';
  const h = tip.offsetHeight;
  const below = r.bottom + 6 + h <= window.innerHeight - 70;   // keep clear of the question box
  tip.style.top = (below ? r.bottom + 6 : Math.max(8, r.top - 6 - h)) + 'px';
};
const hideTip = () => { if (!pinned) tip.hidden = true; };
if (window.__assistantTip) {
  for (const [type, fn] of Object.entries(window.__assistantTip)) document.removeEventListener(type, fn, true);
}
window.__assistantTip = {
  mouseover: (e) => { const c = e.target.closest && e.target.closest('a.cite'); if (c && !pinned) showTip(c); },
  mouseout: (e) => { const c = e.target.closest && e.target.closest('a.cite'); if (c) hideTip(); },
  focusin: (e) => { const c = e.target.closest && e.target.closest('a.cite'); if (c && !pinned) showTip(c); },
  focusout: (e) => { const c = e.target.closest && e.target.closest('a.cite'); if (c) hideTip(); },
  click: (e) => {
    const c = e.target.closest && e.target.closest('a.cite');
    if (c && pinned !== c) { pinned = c; showTip(c); }
    else { pinned = null; tip.hidden = true; }
  },
  keydown: (e) => { if (e.key === 'Escape') { pinned = null; tip.hidden = true; } },
  scroll: () => { if (pinned) showTip(pinned); else tip.hidden = true; },
};
for (const [type, fn] of Object.entries(window.__assistantTip)) document.addEventListener(type, fn, true);

// Gradio's upload area is named by a fixed English aria-label ("Click to upload or drop
// files") that differs from its visible, translated text: without it, its name is that
// text. Mounted components (a tab shown later) are fixed as they appear.
const fixNames = () => {
  document.querySelectorAll('button.upload-container[aria-label]').forEach((b) => b.removeAttribute('aria-label'));
};
fixNames();
if (!window.__assistantNames) {
  window.__assistantNames = new MutationObserver(fixNames);
  window.__assistantNames.observe(document.body, {childList: true, subtree: true});
}

// @section reader
// Centre the marked passage inside the reader panel; move the page only if the passage
// is still off screen (e.g. when the columns are stacked on a narrow window).
const show = () => {
  const m = element.querySelector('mark');
  if (!m) return;
  const panel = element.closest('#reader-panel, #article-reader') || element;
  const pr = panel.getBoundingClientRect(), mr = m.getBoundingClientRect();
  panel.scrollTop += (mr.top - pr.top) - (panel.clientHeight - mr.height) / 2;
  const r = m.getBoundingClientRect();
  if (r.top < 0 || r.bottom > window.innerHeight) m.scrollIntoView({block: 'center'});
};
watch('value', () => setTimeout(show, 30));

// @section articles
// A click (or Enter) on a row of the articles table opens that article.
const open = (e) => {
  const row = e.target && e.target.closest ? e.target.closest('[data-article-id]') : null;
  if (row) trigger('open', {id: row.dataset.articleId});
};
element.addEventListener('click', open);
element.addEventListener('keydown', (e) => { if (e.key === 'Enter') open(e); });

// @section conversations
// A click (or Enter / Space) on a saved conversation opens it.
// Each row is a <button>: the browser turns Enter and Space into a click.
const pickConversation = (e) => {
  const row = e.target && e.target.closest ? e.target.closest('[data-conv-id]') : null;
  if (!row) return;
  e.preventDefault();
  document.body.classList.remove('drawer-open');
  trigger('pick', {id: row.dataset.convId});
};
element.addEventListener('click', pickConversation);
