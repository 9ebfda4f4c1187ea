"""Reports: the terminal summary, the document view shared by HTML and Markdown, and their writers."""
