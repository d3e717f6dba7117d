// Runs inside the graph webview, after mermaid.min.js (the extension's own
// copy: nothing is fetched from the network).
(function () {
  const vscode = acquireVsCodeApi();
  const graph = document.getElementById('graph');
  const problem = document.getElementById('problem');
  for (const [id, type] of [['copy', 'copy'], ['open', 'openMarkdown']]) {
    const button = document.getElementById(id);
    if (button) button.addEventListener('click', () => vscode.postMessage({ type }));
  }
  if (!graph) return;
  const source = graph.textContent;
  const dark = document.body.classList.contains('vscode-dark') || document.body.classList.contains('vscode-high-contrast');
  try {
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: dark ? 'dark' : 'default' });
    mermaid
      .render('specls-graph-svg', source)
      .then(({ svg }) => {
        graph.innerHTML = svg;
        graph.classList.add('rendered');
      })
      .catch(show);
  } catch (error) {
    show(error);
  }
  function show(error) {
    problem.hidden = false;
    problem.textContent = 'Mermaid could not draw this graph: ' + (error && error.message ? error.message : error);
    graph.hidden = true;
  }
})();
