"""The chat UI (`assistant serve`), a Gradio app over one loaded Assistant.

- `app`: the Gradio Blocks, its event wiring and the per-session logic (`ChatApp`),
  `build_app` and `serve`;
- `rendering`: pure functions turning turns, citations and articles into escaped HTML
  or Markdown;
- `workspace`: saved conversations (side panel) and talking points (the briefing);
- `uploads`: checking uploaded files and copying them into <index-dir>/uploads;
- `static/`: the CSS and JavaScript of the page.
"""
from assistant.apps.ui.rendering import (
    READER_PLACEHOLDER, SOURCES_PLACEHOLDER, answer_html, articles_table_html, chip_html,
    cited_reader_html, error_html, esc, filter_articles, md_escape, passage_context,
    pending_html, query_span, question_html, reader_html, source_item_html, sources_html,
    split_markers, upload_report_html)
from assistant.apps.ui.uploads import MAX_UPLOAD_BYTES, human_size, safe_filename
from assistant.apps.ui.app import (
    EXAMPLES, ChatApp, ChatSession, build_app, exposure_warning, is_loopback, parse_auth,
    parse_logins, serve)

__all__ = [
    "EXAMPLES", "MAX_UPLOAD_BYTES", "READER_PLACEHOLDER", "SOURCES_PLACEHOLDER", "ChatApp",
    "ChatSession", "answer_html", "articles_table_html", "build_app", "chip_html",
    "cited_reader_html", "error_html", "esc", "exposure_warning", "filter_articles",
    "human_size", "is_loopback", "md_escape", "parse_auth", "parse_logins", "passage_context",
    "pending_html", "query_span", "question_html", "reader_html", "safe_filename", "serve",
    "source_item_html", "sources_html", "split_markers", "upload_report_html",
]
