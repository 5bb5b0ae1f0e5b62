"""Reading a newspaper page's text: its lines, bylines and credits, headings, the issue it
is from, and the articles it holds (see `parser` for the conventions each rule encodes)."""
