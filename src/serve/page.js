/* loganalyze serve: the drag-and-drop page.  Served as /app.js under a CSP
 * that allows only same-origin scripts; it never builds HTML from log text
 * (reports come as a separate sandboxed document, messages via textContent). */
'use strict';

(function () {
    var token = document.querySelector('meta[name="la-token"]').content;
    var drop = document.getElementById('drop');
    var pick = document.getElementById('pick');
    var statusBox = document.getElementById('status');
    var statusText = document.getElementById('status-text');
    var progress = document.getElementById('progress');
    var errorBox = document.getElementById('error');
    var result = document.getElementById('result');
    var verdict = document.getElementById('verdict');
    var frame = document.getElementById('report');
    var download = document.getElementById('download');
    var busy = false;

    function showStatus(text, pct) {
        statusBox.hidden = false;
        statusText.textContent = text;
        if (pct === null)
            progress.removeAttribute('value');
        else
            progress.value = pct;
    }

    function showError(lines) {
        errorBox.textContent = lines.join('\n');
        errorBox.hidden = lines.length === 0;
    }

    function done() {
        busy = false;
        drop.classList.remove('busy');
        statusBox.hidden = true;
        pick.value = '';
    }

    function upload(files) {
        if (busy || !files || files.length === 0)
            return;
        busy = true;
        drop.classList.add('busy');
        showError([]);
        result.hidden = true;
        var form = new FormData();
        var names = [];
        for (var i = 0; i < files.length; i++) {
            form.append('file', files[i], files[i].name);
            names.push(files[i].name);
        }
        var xhr = new XMLHttpRequest();
        xhr.open('POST', '/analyze');
        xhr.setRequestHeader('X-LA-Token', token);
        xhr.responseType = 'json';
        showStatus('Uploading ' + names.join(', ') + ' …', 0);
        xhr.upload.addEventListener('progress', function (ev) {
            if (ev.lengthComputable)
                showStatus('Uploading ' + names.join(', ') + ' … ' +
                           Math.round(ev.loaded * 100 / ev.total) + ' %',
                           ev.loaded * 100 / ev.total);
        });
        xhr.upload.addEventListener('load', function () {
            showStatus('Analysing ' + names.join(', ') + ' …', null);
        });
        xhr.addEventListener('load', function () {
            var r = xhr.response;
            done();
            if (!r || typeof r !== 'object') {
                showError(['The server answered ' + xhr.status + ' without a report.']);
                return;
            }
            if (xhr.status !== 200 || !r.ok) {
                showError([r.error || ('The server answered ' + xhr.status + '.')]);
                return;
            }
            showError(r.errors || []);
            var cls = (r.outcome || '').replace(/[^a-z-]/g, '');
            verdict.className = 'verdict ' + cls;
            verdict.textContent = (r.headlines || []).join('\n');
            download.href = r.report;
            frame.src = r.report;
            result.hidden = false;
            result.scrollIntoView({ block: 'start' });
        });
        xhr.addEventListener('error', function () {
            done();
            showError(['The upload failed: the connection was closed. The files may be ' +
                       'larger than the limit (' +
                       document.querySelector('meta[name="la-max-upload"]').content +
                       ' bytes), or loganalyze serve was stopped.']);
        });
        xhr.addEventListener('timeout', function () {
            done();
            showError(['The server took too long to answer.']);
        });
        xhr.send(form);
    }

    drop.addEventListener('dragenter', function (ev) {
        ev.preventDefault();
        drop.classList.add('over');
    });
    drop.addEventListener('dragover', function (ev) {
        ev.preventDefault();
        if (ev.dataTransfer)
            ev.dataTransfer.dropEffect = 'copy';
        drop.classList.add('over');
    });
    drop.addEventListener('dragleave', function () {
        drop.classList.remove('over');
    });
    drop.addEventListener('drop', function (ev) {
        ev.preventDefault();
        drop.classList.remove('over');
        upload(ev.dataTransfer && ev.dataTransfer.files);
    });
    /* A file dropped next to the zone must not replace the page. */
    window.addEventListener('dragover', function (ev) { ev.preventDefault(); });
    window.addEventListener('drop', function (ev) { ev.preventDefault(); });
    drop.addEventListener('click', function (ev) {
        if (ev.target !== pick && !(ev.target.closest && ev.target.closest('label')))
            pick.click();
    });
    drop.addEventListener('keydown', function (ev) {
        if (ev.key === 'Enter' || ev.key === ' ') {
            ev.preventDefault();
            pick.click();
        }
    });
    pick.addEventListener('change', function () {
        upload(pick.files);
    });

    var explainForm = document.getElementById('explain-form');
    var explainBox = document.getElementById('explain');
    explainForm.addEventListener('submit', function (ev) {
        ev.preventDefault();
        var code = document.getElementById('code').value.trim();
        if (!code)
            return;
        fetch('/explain?code=' + encodeURIComponent(code), { credentials: 'same-origin' })
            .then(function (resp) { return resp.text(); })
            .then(function (html) {
                /* The fragment is built by the server with every string HTML-escaped,
                 * and the CSP forbids inline script, so it cannot run code. */
                explainBox.innerHTML = html;
                explainBox.hidden = false;
            })
            .catch(function () {
                explainBox.textContent = 'loganalyze serve did not answer.';
                explainBox.hidden = false;
            });
    });
})();
