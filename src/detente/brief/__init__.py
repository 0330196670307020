"""brief: a Markdown and an HTML brief of a run (timeline with citations, key quotes, trend per dyad)."""
from detente.brief.content import Brief, build_brief
from detente.brief.html import render_html
from detente.brief.markdown import render_markdown

__all__ = ["Brief", "build_brief", "render_html", "render_markdown"]
