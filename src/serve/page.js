/* loganalyze serve: the drag-and-drop page.  Served as /app.js under a CSP
 * that allows only same-origin scripts; it never builds HTML from log text
 * itself: the report and the explain answer come as fragments the server
 * built with every string escaped (and the CSP runs no script they could
 * hold), messages are set via textContent. */
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
    var report = document.getElementById('report');
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
            /* The report in the page itself: a fragment the server rendered with every
             * string escaped; it says the verdict once, first. */
            report.innerHTML = typeof r.html === 'string' ? r.html : '';
            download.href = r.report;
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

    /* "Where are my logs?": open the visitor's system, first; the others stay folded. */
    (function () {
        var ua = navigator.userAgent || '';
        var host = /iPhone|iPad|iPod/.test(ua) ? 'device'
            : /Windows/.test(ua) ? 'windows'
            : /Macintosh|Mac OS X/.test(ua) ? 'macos'
            : /Linux|X11|CrOS/.test(ua) ? 'linux' : '';
        var box = document.getElementById('logs');
        var mine = host && box.querySelector('details[data-host="' + host + '"]');
        if (!mine)
            return;
        mine.open = true;
        box.insertBefore(mine, box.querySelector('details.host'));
        document.getElementById('logs-system').textContent =
            (host === 'device' ? 'You are on an iPhone or iPad: its steps come first'
                               : 'Your system comes first') + '; the others are below it.';
    })();

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
