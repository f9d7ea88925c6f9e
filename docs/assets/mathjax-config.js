// MathJax for the notebooks' pages (scripts/docs_hooks.py adds it to them only): the notebooks
// write TeX between $ and $$, as Jupyter does. Nothing is loaded beyond the vendored file.
window.MathJax = {
  tex: {
    inlineMath: [["$", "$"], ["\\(", "\\)"]],
    displayMath: [["$$", "$$"], ["\\[", "\\]"]],
    processEscapes: true,
  },
  loader: {load: []},
  options: {
    // Only the notebooks' Markdown cells: not the theme's text, nor code and outputs.
    ignoreHtmlClass: "md-container",
    processHtmlClass: "jp-MarkdownOutput",
    enableMenu: false,
  },
  svg: {fontCache: "global"},
};
