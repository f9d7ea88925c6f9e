// The layout worker: the Graphviz library's text is placed before this file's,
// so vgGraphvizLibrary is defined. One request in, one json0 text (or error) out.
let graphviz = null;
self.onmessage = (event) => {
  const id = event.data.id;
  if (graphviz === null) graphviz = vgGraphvizLibrary.Graphviz.load();
  graphviz.then((library) => {
    try {
      self.postMessage({ id: id, text: library.layout(event.data.dot, 'json0', 'dot') });
    } catch (error) {
      self.postMessage({ id: id, error: String(error && error.message || error) });
    }
  }, (error) => self.postMessage({ id: id, error: String(error && error.message || error) }));
};
