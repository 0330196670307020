"""brief: a Markdown and an HTML brief (coverage, a timeline with citations, per dyad the monthly quad classes and
Goldstein weight with what changed, key quotes, the documents), of a run (pipeline.py) or of a store, kept to a
dyad and dates (query.py, `detente brief`); content.py decides what it says, markdown.py and html.py lay it out."""
from detente.brief.content import Brief, build_brief
from detente.brief.html import render_html
from detente.brief.markdown import render_markdown

__all__ = ["Brief", "build_brief", "render_html", "render_markdown"]
