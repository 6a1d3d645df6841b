import Hummingbird

/// The dashboard: one HTML page, its script and its style sheet, served by the worker itself
/// (no build step, no CDN). The script reads `/api/overview` every two seconds with the admin
/// token, which the operator types in (or passes once as `/#token=...`); it is kept in the
/// browser's session storage only. Every value from Redis is inserted as text, never as HTML.
///
/// The charts are SVG drawn by the script itself (no chart library, no web font: the page works
/// offline). Each chart carries its numbers in `data-*` attributes (totals on the `<svg>`, one
/// `<g class="minute">` per minute with its counts), so a test can check what is drawn.
enum DashboardAssets {
    static func response(_ text: String, contentType: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: contentType, .cacheControl: "no-cache",
                .contentSecurityPolicy: "default-src 'self'; frame-ancestors 'none'",
                .init("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static let html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Blueprint Worker</title>
        <link rel="stylesheet" href="/dashboard.css">
        </head>
        <body>
        <header>
          <h1>Blueprint Worker</h1>
          <span id="status" class="status">connecting…</span>
        </header>
        <form id="login" hidden>
          <label>Admin token <input id="token" type="password" autocomplete="off" size="40"></label>
          <button type="submit">Open</button>
          <p class="hint">The bearer token of the admin API (BLUEPRINT_ADMIN_TOKEN). Kept in this tab only.</p>
        </form>
        <main id="main" hidden>
          <section>
            <h2>Queues</h2>
            <table id="queues">
              <thead><tr>
                <th>queue</th><th>state</th><th>waiting</th><th>pending</th><th>delayed</th><th>dead</th>
                <th>lag</th><th>oldest waiting</th><th>in/s</th><th>done/s</th><th>consumers</th><th></th>
              </tr></thead>
              <tbody></tbody>
            </table>
          </section>
          <section>
            <h2>Last hour, per minute <span class="hint">finished, failed (retried) and dead jobs; wait = enqueue to start</span></h2>
            <div id="charts"></div>
          </section>
          <section>
            <h2>Job lookup</h2>
            <form id="lookup" class="inline">
              <input id="job-id" placeholder="job ID (job_id, idempotency key or entry ID)" size="48" autocomplete="off">
              <button type="submit">Find</button>
            </form>
            <div id="job-result"></div>
          </section>
          <section>
            <h2>Delayed (retries) <select id="delayed-queue"></select> <span id="delayed-note" class="hint"></span></h2>
            <table id="delayed">
              <thead><tr><th>due</th><th>job id</th><th>type</th><th>attempt</th><th>last error</th></tr></thead>
              <tbody></tbody>
            </table>
          </section>
          <section>
            <h2>Dead letters <select id="dead-queue"></select></h2>
            <p><button id="replay-all">Replay all</button> <span id="dead-note" class="hint"></span></p>
            <table id="dead">
              <thead><tr><th>id</th><th>type</th><th>attempts</th><th>failed</th><th>error</th><th></th></tr></thead>
              <tbody></tbody>
            </table>
          </section>
          <section>
            <h2>Workers</h2>
            <table id="workers">
              <thead><tr><th>worker</th><th>host</th><th>queues</th><th>running</th><th>up since</th><th>last seen</th></tr></thead>
              <tbody></tbody>
            </table>
          </section>
          <!-- Scheduled (periodic jobs, delayed counts): DashboardAssets+Scheduled.swift -->
          <section id="scheduled">
            <h2>Scheduled</h2>
            <p id="scheduled-delayed" class="hint"></p>
            <table id="periodic">
              <thead><tr><th>periodic job</th><th>cron</th><th>time zone</th><th>queue</th><th>type</th><th>missed</th><th>next run</th><th>last tick</th></tr></thead>
              <tbody></tbody>
            </table>
          </section>
          <!-- end Scheduled -->
          <section>
            <h2>Circuit breakers</h2>
            <table id="breakers">
              <thead><tr><th>dependency</th><th>state</th><th>failures</th></tr></thead>
              <tbody></tbody>
            </table>
          </section>
        </main>
        <script src="/dashboard.js"></script>
        <script src="/dashboard-scheduled.js"></script>
        </body>
        </html>
        """

    static let style = """
        body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
        header { display: flex; align-items: center; gap: 1rem; padding: .75rem 1.5rem; background: #1d2330; color: #fff; }
        h1 { font-size: 1.2rem; margin: 0; }
        h2 { font-size: 1rem; margin: 1.5rem 0 .5rem; }
        main, form { padding: 0 1.5rem 2rem; }
        form { padding-top: 1.5rem; }
        table { border-collapse: collapse; width: 100%; background: #fff; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
        th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #e6e8ec; white-space: nowrap; }
        td.error { white-space: normal; max-width: 36rem; overflow-wrap: anywhere; }
        th { background: #eef0f4; font-weight: 600; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        .status { font-size: .85rem; padding: .15rem .5rem; border-radius: 1rem; background: #56607a; }
        .status.ok { background: #1f8a4c; }
        .status.bad { background: #c0392b; }
        .pill { padding: .1rem .5rem; border-radius: 1rem; font-size: .8rem; background: #dff3e6; color: #1f6b3c; }
        .pill.paused, .pill.open { background: #fde2e1; color: #a12b22; }
        .pill.half_open { background: #fff1cc; color: #8a6100; }
        .pill.nogroup { background: #e6e8ec; color: #56607a; }
        .hint { color: #68707f; font-size: .85rem; }
        .empty { color: #68707f; font-style: italic; }
        button { font: inherit; padding: .15rem .6rem; cursor: pointer; }
        form.inline { padding: 0; display: flex; gap: .5rem; }
        #charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(34rem, 1fr)); gap: 1rem; }
        .card { background: #fff; box-shadow: 0 1px 2px rgba(0,0,0,.08); padding: .6rem .8rem; }
        .card h3 { font-size: .95rem; margin: 0 0 .3rem; }
        .card svg { width: 100%; height: auto; display: block; }
        .card svg text { font-size: 10px; fill: #68707f; }
        .card svg line.grid { stroke: #e6e8ec; }
        .card svg line.axis { stroke: #9aa1ad; }
        .s-succeeded { fill: #2e9d5b; } .s-rejected { fill: #7d8aa5; } .s-retried { fill: #e8a317; } .s-dead { fill: #c0392b; }
        .legend { display: flex; gap: 1rem; font-size: .8rem; color: #56607a; margin: .2rem 0 .4rem; }
        .legend i { display: inline-block; width: .7rem; height: .7rem; margin-right: .3rem; vertical-align: -1px; }
        .legend i.s-succeeded { background: #2e9d5b; } .legend i.s-rejected { background: #7d8aa5; }
        .legend i.s-retried { background: #e8a317; } .legend i.s-dead { background: #c0392b; }
        table.pct { box-shadow: none; margin-top: .4rem; }
        table.pct td, table.pct th { padding: .2rem .5rem; font-size: .85rem; }
        dl.job { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; background: #fff; padding: .6rem .8rem;
          box-shadow: 0 1px 2px rgba(0,0,0,.08); margin: .6rem 0 0; }
        dl.job dt { color: #68707f; } dl.job dd { margin: 0; overflow-wrap: anywhere; }
        """

    static let script = """
        "use strict";
        const state = { token: null, last: null, deadQueue: null, delayedQueue: null, ticks: 0 };
        const SVG = "http://www.w3.org/2000/svg";
        const SERIES = [["succeeded", "finished"], ["rejected", "rejected"], ["retried", "failed (retried)"], ["dead", "dead"]];
        const $ = (id) => document.getElementById(id);

        function readToken() {
          const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
          if (match) {
            sessionStorage.setItem("blueprint-token", decodeURIComponent(match[1]));
            history.replaceState(null, "", location.pathname);
          }
          return sessionStorage.getItem("blueprint-token");
        }

        async function api(path, options = {}) {
          const response = await fetch(path, {
            ...options,
            headers: { "Authorization": "Bearer " + state.token, "Content-Type": "application/json" },
          });
          if (response.status === 401 || response.status === 403) {
            const body = await response.json().catch(() => ({}));
            showLogin(body.error || "token refused");
            throw new Error("unauthorized");
          }
          const body = await response.json().catch(() => ({}));
          if (!response.ok) throw new Error(body.error || ("HTTP " + response.status));
          return body;
        }

        function showLogin(message) {
          $("main").hidden = true;
          $("login").hidden = false;
          setStatus(message || "token needed", "bad");
        }

        function setStatus(text, kind) {
          const el = $("status");
          el.textContent = text;
          el.className = "status " + (kind || "");
        }

        function cell(row, text, cls) {
          const td = document.createElement("td");
          td.textContent = text === undefined || text === null ? "" : String(text);
          if (cls) td.className = cls;
          row.appendChild(td);
          return td;
        }

        function fill(tableId, items, render, emptyText) {
          const body = $(tableId).querySelector("tbody");
          body.replaceChildren();
          if (items.length === 0) {
            const row = body.insertRow();
            const td = cell(row, emptyText, "empty");
            td.colSpan = $(tableId).querySelectorAll("th").length;
            return;
          }
          for (const item of items) render(body.insertRow(), item);
        }

        function age(ms) {
          if (ms === null || ms === undefined) return "–";
          const s = ms / 1000;
          if (s < 1) return "<1 s";
          if (s < 120) return Math.round(s) + " s";
          if (s < 7200) return Math.round(s / 60) + " min";
          return Math.round(s / 3600) + " h";
        }

        function rate(now, before, key, dt) {
          if (!before || now[key] == null || before[key] == null || dt <= 0) return "–";
          return (Math.max(0, now[key] - before[key]) / dt).toFixed(1);
        }

        function renderQueues(overview) {
          const previous = state.last;
          const dt = previous ? (overview.time - previous.time) / 1000 : 0;
          fill("queues", overview.queues, (row, q) => {
            const before = previous && previous.queues.find((p) => p.queue === q.queue);
            const name = cell(row, q.queue);
            if (q.partitions) {
              const parts = document.createElement("div");
              parts.className = "hint partitions";
              parts.textContent = q.partitions.length + " partitions: " + q.partitions.map((p, i) =>
                "#" + i + " " + p.waiting + " waiting, " + p.pending + " pending, " + p.delayed + " delayed, " + p.dead + " dead"
                + (p.paused ? ", paused" : "")).join(" · ");
              name.appendChild(parts);
            }
            const st = cell(row, "");
            const pill = document.createElement("span");
            pill.className = "pill " + (!q.group_exists ? "nogroup" : q.paused ? "paused" : "");
            pill.textContent = !q.group_exists ? "no group" : q.paused ? "paused" : "running";
            st.appendChild(pill);
            cell(row, q.waiting, "num");
            cell(row, q.pending, "num");
            cell(row, q.delayed, "num");
            cell(row, q.dead, "num");
            cell(row, q.lag, "num");
            cell(row, q.oldest_waiting_age_seconds == null ? "–" : age(q.oldest_waiting_age_seconds * 1000), "num");
            cell(row, rate(q, before, "enqueued_total", dt), "num");
            cell(row, rate(q, before, "finished_total", dt), "num");
            cell(row, q.consumers.length, "num");
            const actions = cell(row, "");
            const button = document.createElement("button");
            button.textContent = q.paused ? "Resume" : "Pause";
            button.addEventListener("click", async () => {
              await api("/api/queues/" + encodeURIComponent(q.queue) + (q.paused ? "/resume" : "/pause"), { method: "POST" });
              refresh();
            });
            actions.appendChild(button);
          }, "no queues");
          const select = $("dead-queue");
          if (select.options.length !== overview.queues.length) {
            select.replaceChildren(...overview.queues.map((q) => new Option(q.queue, q.queue)));
            state.deadQueue = state.deadQueue || (overview.queues[0] && overview.queues[0].queue);
            select.value = state.deadQueue;
          }
          for (const option of select.options) {
            const q = overview.queues.find((x) => x.queue === option.value);
            option.textContent = q.queue + " (" + q.dead + ")";
          }
        }

        function jobType(fields) {
          try { return JSON.parse(fields.job_data).type || "?"; } catch (e) { return fields.job_data && fields.job_data.startsWith("enc:") ? "(encrypted)" : "?"; }
        }

        async function renderDead() {
          if (!state.deadQueue) return;
          const queue = state.deadQueue;
          const page = await api("/api/queues/" + encodeURIComponent(queue) + "/dead?count=50");
          fill("dead", page.dead, (row, letter) => {
            cell(row, letter.partition == null ? letter.id : letter.id + " (#" + letter.partition + ")");
            cell(row, jobType(letter.fields));
            cell(row, letter.fields.attempts, "num");
            cell(row, letter.fields.failed_at ? new Date(Number(letter.fields.failed_at)).toLocaleString() : "");
            cell(row, letter.fields.error, "error");
            const actions = cell(row, "");
            const button = document.createElement("button");
            button.textContent = "Replay";
            button.addEventListener("click", async () => {
              await api("/api/queues/" + encodeURIComponent(queue) + "/dead/replay", { method: "POST", body: JSON.stringify(letter.partition == null ? { ids: [letter.id] } : { ids: [letter.id], partition: letter.partition }) });
              refresh();
            });
            actions.appendChild(button);
          }, "no dead letters in " + queue);
          $("dead-note").textContent = page.next_after ? "showing the oldest 50" : "";
        }

        function renderWorkers(overview) {
          fill("workers", overview.workers, (row, w) => {
            cell(row, w.id);
            cell(row, w.host + " (pid " + w.pid + ")");
            cell(row, w.queues.join(", "));
            cell(row, Object.values(w.running || {}).reduce((a, b) => a + b, 0), "num");
            cell(row, new Date(w.started_at).toLocaleString());
            cell(row, age(overview.time - w.last_seen) + " ago");
          }, "no live workers");
          fill("breakers", overview.breakers, (row, b) => {
            cell(row, b.name);
            const st = cell(row, "");
            const pill = document.createElement("span");
            pill.className = "pill " + b.state;
            pill.textContent = b.state.replace("_", "-");
            st.appendChild(pill);
            cell(row, b.failures == null ? "" : b.failures, "num");
          }, "no circuit breakers configured");
        }

        function svg(name, attributes, parent) {
          const el = document.createElementNS(SVG, name);
          for (const [key, value] of Object.entries(attributes)) el.setAttribute(key, String(value));
          if (parent) parent.appendChild(el);
          return el;
        }

        // The smallest 1, 2 or 5 x 10^k at or above n (the chart's top), at least 1.
        function niceMax(n) {
          if (!(n > 0)) return 1;
          const p = Math.pow(10, Math.floor(Math.log10(n)));
          for (const m of [1, 2, 5, 10]) if (m * p >= n) return m * p;
          return 10 * p;
        }

        function ms(value) {
          if (value === null || value === undefined) return "–";
          if (value < 1000) return (Math.round(value * 10) / 10) + " ms";
          if (value < 120000) return (Math.round(value / 100) / 10) + " s";
          return Math.round(value / 60000) + " min";
        }

        function hhmm(at) {
          return new Date(at).toISOString().slice(11, 16);
        }

        // One queue's stacked bars: a <g class="minute"> per minute, one <rect> per non-zero series.
        function drawChart(series) {
          const W = 600, H = 170, left = 36, right = 6, top = 8, bottom = 20;
          const plotW = W - left - right, plotH = H - top - bottom;
          const minutes = series.minutes;
          const stackOf = (m) => SERIES.reduce((sum, [key]) => sum + (m[key] || 0), 0);
          const top_ = niceMax(Math.max(0, ...minutes.map(stackOf)));
          const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", class: "chart", "data-queue": series.queue,
            "data-max": top_, "data-minutes": minutes.length });
          for (const [key] of SERIES) root.setAttribute("data-" + key, series.totals[key] || 0);
          svg("title", {}, root).textContent = series.queue + ": jobs per minute, last " + minutes.length + " minutes";
          for (const f of [0, 0.5, 1]) {
            const y = top + plotH - f * plotH;
            svg("line", { x1: left, x2: W - right, y1: y, y2: y, class: f === 0 ? "axis" : "grid" }, root);
            const label = svg("text", { x: left - 4, y: y + 3, "text-anchor": "end" }, root);
            label.textContent = String(Math.round(top_ * f * 10) / 10);
          }
          const slot = plotW / Math.max(1, minutes.length);
          minutes.forEach((m, i) => {
            const g = svg("g", { class: "minute", "data-at": m.at }, root);
            let y = top + plotH;
            for (const [key] of SERIES) {
              g.setAttribute("data-" + key, m[key] || 0);
              const n = m[key] || 0;
              if (n <= 0) continue;
              const h = (n / top_) * plotH;
              y -= h;
              const rect = svg("rect", { x: (left + i * slot + 0.5).toFixed(2), y: y.toFixed(2), width: Math.max(1, slot - 1).toFixed(2),
                height: h.toFixed(2), class: "s-" + key, "data-series": key, "data-count": n }, g);
              svg("title", {}, rect).textContent = hhmm(m.at) + " " + key + ": " + n;
            }
          });
          if (minutes.length > 0) {
            const last = minutes.length - 1;
            for (const i of [0, Math.floor(last / 2), last]) {
              const anchor = i === 0 ? "start" : i === last ? "end" : "middle";
              const x = i === 0 ? left : i === last ? W - right : left + i * slot + slot / 2;
              const t = svg("text", { x: x, y: H - 5, "text-anchor": anchor }, root);
              t.textContent = hhmm(minutes[i].at);
            }
          }
          return root;
        }

        function percentileTable(series) {
          const table = document.createElement("table");
          table.className = "pct";
          table.setAttribute("data-queue", series.queue);
          const head = table.createTHead().insertRow();
          for (const text of ["", "count", "p50", "p90", "p99"]) {
            const th = document.createElement("th");
            th.textContent = text;
            head.appendChild(th);
          }
          const body = table.createTBody();
          for (const [name, label] of [["wait", "wait (enqueue → start)"], ["run", "run time"]]) {
            const row = body.insertRow();
            cell(row, label);
            cell(row, series[name].count, "num").setAttribute("data-metric", name + "-count");
            for (const p of ["p50", "p90", "p99"]) {
              const td = cell(row, ms(series[name][p]), "num");
              td.setAttribute("data-metric", name + "-" + p);
              td.setAttribute("data-value", series[name][p] === null || series[name][p] === undefined ? "" : series[name][p]);
            }
          }
          return table;
        }

        async function renderCharts(overview) {
          const all = await Promise.all(overview.queues.map((q) =>
            api("/api/queues/" + encodeURIComponent(q.queue) + "/stats?minutes=60")));
          const cards = all.map((series) => {
            const card = document.createElement("div");
            card.className = "card";
            card.setAttribute("data-queue", series.queue);
            const h3 = document.createElement("h3");
            h3.textContent = series.queue;
            card.appendChild(h3);
            const legend = document.createElement("div");
            legend.className = "legend";
            for (const [key, label] of SERIES) {
              const span = document.createElement("span");
              const swatch = document.createElement("i");
              swatch.className = "s-" + key;
              span.appendChild(swatch);
              span.appendChild(document.createTextNode(label + " " + (series.totals[key] || 0)));
              legend.appendChild(span);
            }
            card.appendChild(legend);
            card.appendChild(drawChart(series));
            card.appendChild(percentileTable(series));
            return card;
          });
          $("charts").replaceChildren(...cards);
        }

        async function renderDelayed(overview) {
          const select = $("delayed-queue");
          if (select.options.length !== overview.queues.length) {
            select.replaceChildren(...overview.queues.map((q) => new Option(q.queue, q.queue)));
            state.delayedQueue = state.delayedQueue || (overview.queues[0] && overview.queues[0].queue);
            select.value = state.delayedQueue;
          }
          for (const option of select.options) {
            const q = overview.queues.find((x) => x.queue === option.value);
            option.textContent = q.queue + " (" + q.delayed + ")";
          }
          if (!state.delayedQueue) return;
          const queue = state.delayedQueue;
          const page = await api("/api/queues/" + encodeURIComponent(queue) + "/delayed?limit=50");
          fill("delayed", page.delayed, (row, job) => {
            row.setAttribute("data-job-id", job.job_id || "");
            cell(row, new Date(job.due_at).toLocaleString());
            cell(row, job.job_id || "?");
            cell(row, job.type || "?");
            cell(row, job.attempt, "num");
            cell(row, job.last_error, "error");
          }, "nothing delayed in " + queue);
          $("delayed-note").textContent = page.total > page.delayed.length ? "showing the soonest " + page.delayed.length + " of " + page.total : "";
        }

        const JOB_FIELDS = [["state", "state"], ["queue", "queue"], ["type", "type"], ["attempt", "attempt"], ["worker", "worker"],
          ["entry_id", "entry"], ["enqueued_at", "enqueued"], ["due_at", "due"], ["finished_at", "finished"],
          ["duration_ms", "run time"], ["idle_ms", "idle"], ["deliveries", "deliveries"], ["error", "error"], ["result_bytes", "result bytes"]];

        async function lookup(id) {
          const out = $("job-result");
          out.replaceChildren();
          if (!id) return;
          const response = await fetch("/api/jobs/" + encodeURIComponent(id), { headers: { "Authorization": "Bearer " + state.token } });
          const body = await response.json().catch(() => ({}));
          const dl = document.createElement("dl");
          dl.className = "job";
          dl.setAttribute("data-job-id", id);
          const add = (label, value, key) => {
            const dt = document.createElement("dt");
            dt.textContent = label;
            const dd = document.createElement("dd");
            dd.textContent = String(value);
            if (key) dd.setAttribute("data-field", key);
            dl.append(dt, dd);
          };
          if (!response.ok) {
            dl.setAttribute("data-state", response.status === 404 ? "unknown" : "error");
            add("result", body.error || ("HTTP " + response.status), "error");
          } else {
            dl.setAttribute("data-state", body.state);
            for (const [key, label] of JOB_FIELDS) {
              const value = body[key];
              if (value === null || value === undefined) continue;
              const text = key.endsWith("_at") ? new Date(value).toLocaleString() : key.endsWith("_ms") ? ms(value) : value;
              add(label, text, key);
            }
          }
          out.appendChild(dl);
        }

        async function refresh() {
          if (!state.token) return showLogin();
          try {
            const overview = await api("/api/overview");
            $("login").hidden = true;
            $("main").hidden = false;
            renderQueues(overview);
            renderWorkers(overview);
            state.last = overview;
            await renderDead();
            await renderDelayed(overview);
            if (state.ticks++ % 5 === 0) await renderCharts(overview);
            setStatus("live · " + new Date(overview.time).toLocaleTimeString(), "ok");
          } catch (error) {
            if (error.message !== "unauthorized") setStatus(error.message, "bad");
          }
        }

        $("login").addEventListener("submit", (event) => {
          event.preventDefault();
          state.token = $("token").value.trim();
          sessionStorage.setItem("blueprint-token", state.token);
          refresh();
        });
        $("lookup").addEventListener("submit", (event) => {
          event.preventDefault();
          lookup($("job-id").value.trim()).catch((error) => setStatus(error.message, "bad"));
        });
        $("delayed-queue").addEventListener("change", (event) => { state.delayedQueue = event.target.value; refresh(); });
        $("dead-queue").addEventListener("change", (event) => { state.deadQueue = event.target.value; renderDead(); });
        $("replay-all").addEventListener("click", async () => {
          if (!state.deadQueue || !confirm("Replay every dead letter of " + state.deadQueue + "?")) return;
          await api("/api/queues/" + encodeURIComponent(state.deadQueue) + "/dead/replay", { method: "POST", body: JSON.stringify({ all: true }) });
          refresh();
        });

        // `#job=<id>` opens the page with that job looked up (links from logs or tickets).
        const jobMatch = /(?:^#|&)job=([^&]+)/.exec(location.hash);
        state.token = readToken();
        refresh().then(() => { if (jobMatch) { $("job-id").value = decodeURIComponent(jobMatch[1]); return lookup($("job-id").value); } });
        setInterval(refresh, 2000);
        """
}
