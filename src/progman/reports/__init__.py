"""Status reports as documents: Jinja2 templates for Markdown and self-contained HTML,
PDF from that HTML, and the charts as inline SVG. What a report says is gathered by
:mod:`progman.services.reports`; this package only lays it out."""
