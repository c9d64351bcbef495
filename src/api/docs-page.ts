/**
 * The interactive API reference at /docs: a small self-contained page (no CDN: our machines have
 * no internet) that lists every operation from the OpenAPI document and lets a user try it with a
 * token.
 */
export function docsPage(specUrl: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shegong API reference</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;padding:1rem 2rem;max-width:70rem;color:#1b1b1b}
h1{font-size:1.4rem}details{border:1px solid #ddd;border-radius:6px;margin:.4rem 0;padding:.4rem .8rem}
summary{cursor:pointer;font-family:monospace}.m{display:inline-block;width:4.5rem;font-weight:bold}
.get{color:#0a6}.post{color:#06c}.put,.patch{color:#a60}.delete{color:#c00}
pre{background:#f6f6f6;padding:.5rem;overflow:auto;max-height:20rem}textarea{width:100%;font-family:monospace}
label{display:block;margin:.3rem 0}
</style></head>
<body><h1>Shegong API reference</h1>
<p>Generated from <a href="${specUrl}">${specUrl}</a>. <label>Bearer token <input id="token" size="60" autocomplete="off"></label></p>
<div id="ops">Loading…</div>
<script type="module">
const spec = await (await fetch(${JSON.stringify(specUrl)})).json();
const ops = document.getElementById('ops'); ops.textContent = '';
for (const [path, methods] of Object.entries(spec.paths)) {
  for (const [method, op] of Object.entries(methods)) {
    const d = document.createElement('details');
    const s = document.createElement('summary');
    s.innerHTML = '<span class="m ' + method + '">' + method.toUpperCase() + '</span>';
    s.append(path + ' — ' + (op.summary || ''));
    d.append(s);
    const info = document.createElement('pre'); info.textContent = JSON.stringify(op, null, 2); d.append(info);
    const pathIn = document.createElement('input'); pathIn.value = path; pathIn.size = 70; pathIn.setAttribute('aria-label', 'path');
    const body = document.createElement('textarea'); body.rows = 6; body.setAttribute('aria-label', 'request body');
    const example = op.requestBody?.content?.['application/json']?.example;
    if (example !== undefined) body.value = JSON.stringify(example, null, 2);
    const go = document.createElement('button'); go.textContent = 'Send';
    const out = document.createElement('pre');
    go.onclick = async () => {
      const headers = { 'content-type': 'application/json' };
      const token = document.getElementById('token').value.trim();
      if (token) headers.authorization = 'Bearer ' + token;
      const res = await fetch(pathIn.value, { method: method.toUpperCase(), headers, body: method === 'get' ? undefined : (body.value || undefined) });
      out.textContent = res.status + '\\n' + await res.text();
    };
    d.append(pathIn, method === 'get' ? '' : body, go, out);
    ops.append(d);
  }
}
</script></body></html>`;
}
