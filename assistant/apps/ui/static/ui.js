// Handlers run by Gradio's gr.HTML(js_on_load=...): each section below is the script
// of one component; app.py cuts this file at the '// @section NAME' lines.

// @section sources
// The sources panel also listens for clicks on chips anywhere in the page (they live in
// the chat) and sends {turn, n} to the server as its custom "cite" event. Re-mounting
// replaces the listener instead of adding a second one.
const pick = (el) => {
  let turn = el.dataset.turn, n = el.dataset.n;
  if ((turn === undefined || n === undefined) && el.getAttribute('href')) {
    const m = /#cite-(\d+)-(\d+)/.exec(el.getAttribute('href'));
    if (m) { turn = m[1]; n = m[2]; }
  }
  return (turn === undefined || n === undefined) ? null : {turn: Number(turn), n: Number(n)};
};
const onClick = (e) => {
  if (e.target && e.target.closest && e.target.closest('a.meta-url')) return;  // the source URL opens itself
  const el = e.target && e.target.closest ? e.target.closest('a.cite, .cite-source') : null;
  if (!el) return;
  const data = pick(el);
  if (!data) return;
  e.preventDefault();
  e.stopPropagation();
  trigger('cite', data);
};
const onKey = (e) => {
  if (e.key !== 'Enter' && e.key !== ' ') return;
  if (e.target && e.target.closest && e.target.closest('a.meta-url')) return;
  const el = e.target && e.target.closest ? e.target.closest('.cite-source') : null;
  if (el) { const data = pick(el); if (data) { e.preventDefault(); trigger('cite', data); } }
};
if (window.__assistantCite) {
  document.removeEventListener('click', window.__assistantCite.click, true);
  document.removeEventListener('keydown', window.__assistantCite.key, true);
}
window.__assistantCite = {click: onClick, key: onKey};
document.addEventListener('click', onClick, true);
document.addEventListener('keydown', onKey, true);

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
const pickConversation = (e) => {
  const row = e.target && e.target.closest ? e.target.closest('[data-conv-id]') : null;
  if (!row) return;
  if (e.type === 'keydown' && e.key !== 'Enter' && e.key !== ' ') return;
  e.preventDefault();
  trigger('pick', {id: row.dataset.convId});
};
element.addEventListener('click', pickConversation);
element.addEventListener('keydown', pickConversation);
