// rxatlas web app: a hash-routed single page over the REST API (/api/...). No business logic here: every
// figure comes from the API; this file only fetches, formats and draws.
import { drawBars, drawMap, drawTimeline } from "./charts.js";

const LANGS = { en: "en", ko: "ko-KR" };
const state = { lang: localStorage.getItem("rxatlas.lang") === "ko" ? "ko" : "en", strings: {}, fallback: {} };
const view = document.getElementById("view");

// ---------- i18n and formats ----------
function t(key, vars = {}) {
  const text = state.strings[key] ?? state.fallback[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}
const locale = () => LANGS[state.lang];
const num = (value, digits = 0) =>
  value === null || value === undefined ? "" : new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(value);
const pct = (value) =>
  value === null || value === undefined ? "" : new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 0 }).format(value);
function date(value) {
  if (!value) return "";
  const day = new Date(`${String(value).slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(day.getTime()) ? String(value) : new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeZone: "UTC" }).format(day);
}
function countryName(iso2) {
  if (!iso2 || iso2 === "unknown") return t("country.unknown");
  try {
    return new Intl.DisplayNames([locale()], { type: "region" }).of(iso2) || iso2;
  } catch {
    return iso2;
  }
}
const BANDS = { "highly concentrated": "band.high", "moderately concentrated": "band.moderate", unconcentrated: "band.low" };
const band = (value) => (BANDS[value] ? t(BANDS[value]) : value || "");

async function loadLanguage(lang) {
  const get = async (code) => (await fetch(`i18n/${code}.json`)).json();
  state.fallback = await get("en");
  state.strings = lang === "en" ? state.fallback : await get(lang);
  state.lang = lang;
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(node.dataset.i18nPlaceholder);
}

// ---------- small DOM helpers ----------
function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  return node;
}
// Replace or extend a node's children with nodes, text or lists of them (null and undefined are skipped).
const nodes = (children) => children.flat(2).filter((c) => c !== null && c !== undefined);
const fill = (node, ...children) => node.replaceChildren(...nodes(children));
const add = (node, ...children) => node.append(...nodes(children));
const link = (text, hash) => h("a", { href: hash }, text);
const substanceLink = (name) => link(name, `#/substance/${encodeURIComponent(name)}`);
const firmLink = (name) => link(name, `#/firm/${encodeURIComponent(name)}`);
const countryLink = (iso2) => (iso2 && iso2 !== "unknown" ? link(countryName(iso2), `#/country/${iso2}`) : t("country.unknown"));
const card = (title, ...body) => h("section", { class: "card" }, title ? h("h2", {}, title) : null, ...body);
const metric = (value, label) => h("div", { class: "metric" }, h("b", {}, value), h("span", {}, label));
const notes = (items) => (items || []).map((text) => h("p", { class: "note" }, text));
const warnings = (payload) => (payload.warnings || []).length ? h("details", { class: "note" }, h("summary", {}, t("warnings.stale", { n: payload.warnings.length })), h("ul", {}, payload.warnings.map((w) => h("li", {}, w)))) : null;

class ApiError extends Error {}
async function api(path, options = {}) {
  const response = await fetch(`/api/${path}`, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(body.error?.message || `${response.status} ${response.statusText}`);
  return body;
}

// ---------- tables: sortable, exportable to CSV ----------
// columns: [{key, label, value(row) -> sortable/exportable value, cell(row) -> node or text, num}]
function csvOf(columns, rows) {
  const quote = (value) => {
    const raw = value === null || value === undefined ? "" : Array.isArray(value) ? value.join("; ") : String(value);
    // text a spreadsheet would run as a formula gets an apostrophe, as in the CLI exports (numbers stay numbers)
    const text = typeof value !== "number" && /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns.map((c) => quote(c.key)), ...rows.map((r) => columns.map((c) => quote(c.value ? c.value(r) : r[c.key])))].map((line) => line.join(",")).join("\n");
}
function download(name, text, type = "text/csv") {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const anchor = h("a", { href: url, download: name });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
function table(columns, rows, { id, exportName } = {}) {
  let sorted = [...rows];
  const body = h("tbody");
  const render = () => {
    body.replaceChildren(...sorted.map((row) => h("tr", {}, columns.map((c) => h("td", { class: c.num ? "num" : null }, c.cell ? c.cell(row) : (c.value ? c.value(row) : row[c.key]) ?? "")))));
  };
  const headers = columns.map((c) => {
    const th = h("th", { class: `sortable${c.num ? " num" : ""}`, scope: "col", "data-key": c.key }, c.label);
    th.addEventListener("click", () => {
      const descending = th.getAttribute("aria-sort") === "ascending";
      for (const other of headers) other.removeAttribute("aria-sort");
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      const value = (row) => (c.value ? c.value(row) : row[c.key]);
      const missing = (v) => v === null || v === undefined || v === "";
      sorted.sort((a, b) => {
        const [x, y] = [value(a), value(b)];
        if (missing(x) || missing(y)) return missing(x) - missing(y); // blanks last either way
        const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), locale());
        return descending ? -order : order;
      });
      render();
    });
    return th;
  });
  render();
  const toolbar = exportName
    ? h("div", { class: "toolbar" }, h("button", { type: "button", class: "secondary", "data-export": id, onclick: () => download(exportName, csvOf(columns, sorted)) }, t("table.export")), h("span", { class: "muted" }, t("table.rows", { n: num(rows.length) })))
    : null;
  return h("div", {}, toolbar, h("div", { class: "tablewrap" }, h("table", { id }, h("thead", {}, h("tr", {}, headers)), body)));
}

// ---------- pages ----------
// The market scopes a page can be filtered to (core.market_scope); us_human_rx is every page's default.
const SCOPES = ["us_human_rx", "us_human_otc", "homeopathic", "veterinary_only", "excipient_or_inactive",
  "nutrient_or_food", "diagnostic_or_device", "not_marketed_in_us", "intermediate", "all"];
// A select of one hash parameter (scope, level, ...): changing it reloads the page with the new value.
function paramSelect(params, target, name, values, fallback, optionLabel, label) {
  const current = params.get(name) || fallback;
  const select = h("select", { id: name, name }, values.map((v) => h("option", { value: v, selected: v === current ? "selected" : null }, optionLabel(v))));
  select.addEventListener("change", () => {
    const next = new URLSearchParams(params);
    next.set(name, select.value);
    location.hash = `${target}?${next}`;
  });
  return h("form", { class: "toolbar" }, h("label", { for: name }, label), select);
}
const scopeSelect = (params, target) => paramSelect(params, target, "scope", SCOPES, "us_human_rx", (s) => t(`scope.${s}`), t("form.scope"));

async function homePage(params = new URLSearchParams()) {
  const intro = card(t("home.title"), h("p", {}, t("home.intro")));
  fill(view, intro, scopeSelect(params, "#/"));
  const figures = await api(`headline?scope=${params.get("scope") || "us_human_rx"}`);
  const single = figures.single_source_substances;
  if (single) {
    add(view, card(t("home.single"), h("div", { class: "metrics" },
      metric(pct(single.single_source_share), t("home.single_share", { n: num(single.single_source), of: num(single.substances) })),
      metric(pct(single.anchor?.share), single.anchor?.source || "")),
      h("p", { class: "note" }, single.scope_note || ""), h("p", { class: "note" }, single.definition_difference || "")));
  }
  const active = figures.active_type_ii_by_holder_country;
  if (active?.rows) {
    add(view, card(t("home.headline"), table([
      { key: "group", label: t("col.group") },
      { key: "dmfs", label: t("col.dmfs"), num: true, cell: (r) => num(r.dmfs) },
      { key: "share", label: t("col.share"), num: true, cell: (r) => pct(r.share) },
      { key: "anchor", label: t("col.anchor"), num: true, cell: (r) => pct(r.anchor) },
    ], active.rows), h("p", { class: "note" }, active.anchor_source || "")));
  }
}

async function searchPage(params) {
  const q = params.get("q") || "";
  document.getElementById("q").value = q;
  fill(view, h("h1", {}, t("search.results", { q })));
  const needle = q.trim().toLowerCase();
  const [substances, firms, codes, register] = await Promise.all([
    api(`substances?q=${encodeURIComponent(q)}&limit=20`).catch(() => ({ items: [] })),
    api(`firms?q=${encodeURIComponent(q)}&limit=20`).catch(() => ({ items: [] })),
    fetch("vendor/country-codes.json").then((r) => r.json()),
    q.trim() ? api(`firm-register?search=${encodeURIComponent(q.trim())}`).catch(() => ({ firms: [] })) : { firms: [] },
  ]);
  const korean = (register.firms || []).filter((f) => f.register_line);
  const countries = codes.map((c) => c[0]).filter((iso2) =>
    needle && [iso2.toLowerCase(), countryName(iso2).toLowerCase(), new Intl.DisplayNames(["en"], { type: "region" }).of(iso2)?.toLowerCase()].some((name) => name === needle || (needle.length > 2 && name?.includes(needle))));
  const list = (items, render) => (items.length ? h("ul", { class: "results" }, items.map((item) => h("li", {}, render(item)))) : h("p", { class: "muted" }, t("search.none")));
  add(view,
    card(t("search.countries"), list(countries, (iso2) => countryLink(iso2))),
    card(t("search.substances"), list(substances.items || [], (s) => [substanceLink(s.substance), " ", h("span", { class: "muted" }, t("search.substance_line", { n: num(s.n_sources), countries: num(s.n_countries) }))])),
    card(t("search.firms"), list(firms.items || [], (f) => [firmLink(f.name), " ", h("span", { class: "muted" }, f.country_iso2 ? countryName(f.country_iso2) : "")])),
    korean.length ? card(t("reg.title"), list(korean, (f) => [firmLink(f.name), " ", h("span", { class: "muted" }, `${f.name_ko} · ${state.lang === "ko" ? f.group_ko : f.group}`)])) : null,
  );
}

// The source file behind each kind of API source (as core.api_source names them), for its snapshot date.
const SOURCE_OF_KIND = { dmf: "fda_dmf", bulk_listing: "fda_ndc_unfinished", decrs_site: "dailymed_spl" };
function provenance(answer) {
  const bySource = Object.fromEntries((answer.sources || []).map((s) => [s.source, s]));
  return (row) => bySource[SOURCE_OF_KIND[row.source_kind]] || { source: row.source_kind, snapshot: null };
}

async function substancePage(name) {
  const answer = await api(`substances/${encodeURIComponent(name)}`);
  if (answer.match !== "unique") {
    fill(view, h("h1", {}, t("substance.ambiguous", { q: name })),
      card(null, h("ul", { class: "results" }, (answer.candidates || []).map((c) => h("li", {}, substanceLink(c.substance || c.name))))));
    return;
  }
  const m = answer.metrics || {};
  const source = provenance(answer);
  const snapshot = (row) => source(row).snapshot || "";
  const shares = answer.country_shares || [];
  const mapBox = h("div", { class: "map", id: "map" });
  fill(view,
    h("h1", {}, answer.substance, " ", h("span", { class: "muted" }, `UNII ${answer.unii}`)),
    h("div", { class: "grid" },
      card(t("substance.map"), mapBox),
      card(t("substance.metrics"),
        h("div", { class: "metrics", id: "metrics" },
          metric(num(m.n_sources), t("metric.sources")),
          metric(num(m.n_countries), t("metric.countries")),
          metric(num(m.effective_suppliers, 1), t("metric.effective")),
          metric(num(m.hhi), t("metric.hhi")),
          metric(h("span", { class: `band-${(BANDS[m.hhi_band] || "").split(".")[1] || ""}` }, band(m.hhi_band)), t("metric.band"))),
        h("p", { class: "note" }, t("substance.counts_note")),
        table([
          { key: "country", label: t("col.country"), value: (r) => countryName(r.country), cell: (r) => countryLink(r.country) },
          { key: "sources", label: t("col.sources"), num: true, cell: (r) => num(r.sources) },
          { key: "share", label: t("col.share"), num: true, cell: (r) => pct(r.share) },
        ], shares, { id: "shares" }))),
    card(t("substance.sources"), table([
      { key: "firm", label: t("col.firm"), cell: (r) => firmLink(r.firm) },
      { key: "country", label: t("col.country"), value: (r) => r.country, cell: (r) => countryLink(r.country) },
      { key: "basis", label: t("col.basis"), value: (r) => r.country_basis },
      { key: "dmf", label: t("col.dmf"), value: (r) => (r.dmf || []).join("; ") },
      { key: "source", label: t("col.source"), value: (r) => source(r).source, cell: (r) => h("span", { title: (r.evidence || []).join("\n") }, source(r).source) },
      { key: "snapshot", label: t("col.snapshot"), value: snapshot, cell: (r) => date(snapshot(r)) },
    ], answer.api_sources || [], { id: "sources", exportName: `${answer.substance.toLowerCase()}-sources.csv` }),
      h("p", { class: "note", id: "market-scope" }, t("substance.scope", { scope: t(`scope.${answer.market_scope}`) }), " ", answer.market_scope_evidence || "")),
    (answer.excluded_sources || []).length ? card(t("substance.excluded"), table([
      { key: "firm", label: t("col.firm"), cell: (r) => firmLink(r.firm) },
      { key: "category", label: t("col.category"), value: (r) => t(`category.${r.category}`) },
      { key: "evidence_id", label: t("col.evidence") , value: (r) => `${r.evidence_kind === "dmf" ? "DMF" : "NDC"} ${r.evidence_id}` },
      { key: "text", label: t("col.text") },
      { key: "reason", label: t("col.reason") },
    ], answer.excluded_sources, { id: "excluded", exportName: `${answer.substance.toLowerCase()}-excluded.csv` })) : null,
    card(t("substance.shortages"), (answer.shortages || []).length ? drawTimeline(answer.shortages, { date, t }) : h("p", { class: "muted" }, t("substance.no_shortages"))),
    card(t("substance.notes"), notes(answer.notes), warnings(answer)),
  );
  await drawMap(mapBox, Object.fromEntries(shares.map((s) => [s.country, s.sources])), { countryName, num, t });
}

// FDA quality signals (country and firm pages): their kinds, how each was joined to a registered site, counts per
// site, and the source files behind a part of an answer.
const SIGNAL_KINDS = () => ({ warning_letter: t("signal.warning_letter"), form_483: t("signal.form_483"), compliance_action: t("signal.compliance_action") });
const JOINED_BY = () => ({ fei: t("join.fei"), "firm name": t("join.firm_name"), "not joined": t("join.not_joined") });
const SHORTAGE = () => ({ current: t("shortage.current"), "to be discontinued": t("shortage.to_be_discontinued"), resolved: t("shortage.resolved"), none: t("shortage.none") });
const sourceLine = (part) => h("p", { class: "note" }, t("part.sources", { files: (part?.sources || []).map((f) => `${f.source} ${f.file} (${date(f.snapshot)})`).join("; ") }));
const signalTable = (signals, id) => table([
  { key: "event_date", label: t("col.date"), cell: (r) => date(r.event_date) },
  { key: "event_type", label: t("col.signal"), value: (r) => SIGNAL_KINDS()[r.event_type] },
  { key: "firm_name", label: t("col.firm") },
  { key: "action", label: t("col.action") },
  { key: "joined_by", label: t("col.joined_by"), value: (r) => JOINED_BY()[r.joined_by] },
  { key: "sites", label: t("col.sites"), value: (r) => (r.sites || []).map((s) => `${s.fei} ${s.name}`).join("; ") },
], signals, { id, exportName: `${id}.csv` });
const siteSignalColumns = () => [
  { key: "fei", label: "FEI" }, { key: "name", label: t("col.name") },
  { key: "warning_letter", label: t("signal.warning_letter"), num: true },
  { key: "form_483", label: t("signal.form_483"), num: true },
  { key: "compliance_action", label: t("signal.compliance_action"), num: true },
  { key: "last_signal", label: t("col.last_signal"), cell: (r) => date(r.last_signal) },
];

async function firmPage(name) {
  const answer = await api(`firms/${encodeURIComponent(name)}`);
  if (answer.match !== "unique") {
    fill(view, h("h1", {}, t("firm.ambiguous", { q: name })),
      card(null, table([
        { key: "name", label: t("col.firm"), cell: (r) => firmLink(r.name) },
        { key: "country_iso2", label: t("col.country"), cell: (r) => countryLink(r.country_iso2) },
        { key: "aliases", label: t("col.aliases"), value: (r) => (r.aliases || []).join("; ") },
      ], answer.candidates || [], { id: "candidates" })));
    return;
  }
  const firm = answer.firm;
  const substances = answer.substances || [];
  const signals = answer.quality_signals || {};
  fill(view,
    h("h1", {}, firm.name),
    card(null, h("div", { class: "metrics" },
      metric(countryLink(firm.country_iso2), t("col.country")),
      metric((firm.groups || []).join(", ") || "—", t("firm.groups")),
      metric(firm.parent_name || "—", t("firm.parent"))),
      h("p", { class: "note" }, t("firm.aliases"), ": ", (firm.aliases || []).join("; "))),
    card(t("firm.facilities"), table([
      { key: "fei", label: "FEI" }, { key: "name", label: t("col.name") },
      { key: "country_iso2", label: t("col.country"), cell: (r) => countryLink(r.country_iso2) },
    ], firm.facilities || [], { id: "facilities", exportName: "facilities.csv" })),
    card(t("firm.sources"), table([
      { key: "source", label: t("col.source") }, { key: "role", label: t("col.role") },
      { key: "mentions", label: t("col.mentions"), num: true }, { key: "method", label: t("col.method") },
    ], firm.sources || [], { id: "firm-sources" })),
    card(t("firm.substances"), h("div", { class: "metrics" },
      metric(num(substances.length), t("firm.substance_count")),
      metric(num(substances.filter((s) => s.shortage_status === "current").length), t("firm.in_shortage"))),
    table([
      { key: "substance", label: t("col.substance"), cell: (r) => substanceLink(r.substance) },
      { key: "market_scope", label: t("col.scope"), value: (r) => t(`scope.${r.market_scope}`) },
      { key: "source_country", label: t("col.country"), value: (r) => r.source_country, cell: (r) => countryLink(r.source_country) },
      { key: "dmfs", label: t("col.dmf"), value: (r) => (r.dmfs || []).join("; ") },
      { key: "n_sources", label: t("col.sources"), num: true, cell: (r) => num(r.n_sources) },
      { key: "shortage_status", label: t("col.shortage"), value: (r) => SHORTAGE()[r.shortage_status] },
      { key: "shortage_updated", label: t("col.updated"), cell: (r) => date(r.shortage_updated) },
    ], substances, { id: "firm-substances", exportName: "substances.csv" })),
    card(t("firm.applications"), table([
      { key: "appl_no", label: t("col.application"), value: (r) => `${r.appl_type} ${r.appl_no}` },
      { key: "drug_names", label: t("col.product"), value: (r) => (r.drug_names || []).join("; ") },
      { key: "marketing_status", label: t("col.status"), value: (r) => (r.marketing_status || []).join("; ") },
    ], answer.applications || [], { id: "firm-applications", exportName: "applications.csv" })),
    card(t("firm.signals"), table(siteSignalColumns(), signals.by_site || [], { id: "firm-signal-sites" }),
      signalTable(signals.signals || [], "firm-signals"), notes(signals.limits)),
    card(t("substance.notes"), notes(answer.limits), sourceLine(answer)),
    warnings(answer),
  );
}

async function countryPage(iso2, params = new URLSearchParams()) {
  const answer = await api(`countries/${encodeURIComponent(iso2)}?limit=500&scope=${params.get("scope") || "us_human_rx"}`);
  const rows = answer.substances?.items || [];
  const [share, dmfs, signals] = [answer.api_share || {}, answer.dmfs || {}, answer.quality_signals || {}];
  const perYear = {};
  for (const r of signals.by_year || []) perYear[r.year] = (perYear[r.year] || 0) + r.signals;
  // registered API sites with quality signals, the most signals first
  const total = (s) => (s.warning_letter || 0) + (s.form_483 || 0) + (s.compliance_action || 0);
  const strained = (answer.api_sites?.sites || []).filter((s) => total(s) > 0).sort((a, b) => total(b) - total(a));
  fill(view,
    h("h1", {}, countryName(answer.country.iso2), " ", h("span", { class: "muted" }, answer.country.iso2)),
    scopeSelect(params, `#/country/${answer.country.iso2}`),
    card(t("country.depends"), h("div", { class: "metrics" },
      metric(num(answer.substances_with_sources), t("country.substances")),
      metric(num(answer.substances_only_here), t("country.only_here")),
      metric(num(answer.api_facilities), t("country.api_facilities")),
      metric(num(answer.facilities), t("country.facilities")),
      metric(pct(share.share), t("country.share"))),
    notes(answer.notes), sourceLine(share)),
    card(t("country.substance_table"), table([
      { key: "substance", label: t("col.substance"), cell: (r) => substanceLink(r.substance) },
      { key: "sources_here", label: t("col.sources_here"), num: true, cell: (r) => num(r.sources_here) },
      { key: "n_sources", label: t("col.sources"), num: true, cell: (r) => num(r.n_sources) },
      { key: "share", label: t("col.share"), num: true, cell: (r) => pct(r.share) },
      { key: "single_country", label: t("col.single_country"), value: (r) => (r.single_country ? "✓" : "") },
      { key: "hhi_band", label: t("col.band"), value: (r) => band(r.hhi_band) },
    ], rows, { id: "country-substances", exportName: `${answer.country.iso2}-substances.csv` })),
    card(t("country.dmfs"), h("div", { class: "metrics" }, metric(num(dmfs.active_type_ii), t("country.dmfs_total"))),
      drawBars((dmfs.by_year || []).slice(-20).map((r) => ({ label: r.year, value: r.dmfs })), { num, label: t("country.dmfs") }),
      table([
        { key: "year", label: t("col.year") }, { key: "dmfs", label: t("col.dmfs"), num: true, cell: (r) => num(r.dmfs) },
      ], dmfs.by_year || [], { id: "country-dmfs" }), notes(dmfs.limits), sourceLine(dmfs)),
    card(t("country.signals"), h("p", { class: "note" }, t("country.signals_note")),
      drawBars(Object.entries(perYear).map(([year, n]) => ({ label: year, value: n })), { num, label: t("country.signals") }),
      table([
        { key: "event_type", label: t("col.signal"), value: (r) => SIGNAL_KINDS()[r.event_type] },
        { key: "fei", label: t("join.fei"), num: true }, { key: "firm name", label: t("join.firm_name"), num: true },
        { key: "not joined", label: t("join.not_joined"), num: true },
      ], signals.joined || [], { id: "country-signal-joins" }),
      table([
        { key: "year", label: t("col.year") },
        { key: "event_type", label: t("col.signal"), value: (r) => SIGNAL_KINDS()[r.event_type] },
        { key: "joined_by", label: t("col.joined_by"), value: (r) => JOINED_BY()[r.joined_by] },
        { key: "signals", label: t("col.signals"), num: true },
      ], signals.by_year || [], { id: "country-signal-years", exportName: `${answer.country.iso2}-signals-by-year.csv` }),
      signalTable(signals.signals || [], "country-signals"), notes(signals.limits), sourceLine(signals)),
    card(t("country.sites"), table(siteSignalColumns(), strained, { id: "country-sites", exportName: `${answer.country.iso2}-api-sites.csv` }),
      notes(answer.api_sites?.limits), sourceLine(answer.api_sites)),
    warnings(answer),
  );
}

const SCREEN_COLUMNS = () => [
  { key: "row", label: t("col.row"), num: true },
  { key: "input_name", label: t("col.input_name") },
  { key: "input_country", label: t("col.country") },
  { key: "status", label: t("col.status"), cell: (r) => h("span", { class: `flag-${r.status}` }, t(`status.${r.status}`)) },
  { key: "matched_name", label: t("col.matched") },
  { key: "list", label: t("col.list") },
  { key: "score", label: t("col.score"), num: true },
  { key: "explanation", label: t("col.explanation") },
];

function screenPage() {
  const input = h("input", { type: "file", id: "screen-file", accept: ".csv,.xlsx,.xls,.txt" });
  const results = h("div", { id: "screen-results" });
  const form = h("form", { id: "screen-form" }, input, " ", h("button", { type: "submit" }, t("screen.run")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!input.files.length) return;
    const body = new FormData();
    body.append("file", input.files[0]);
    fill(results, h("p", { class: "muted" }, t("app.loading")));
    try {
      const run = await api("screen", { method: "POST", body });
      const counts = run.counts || {};
      fill(results,
        h("div", { class: "metrics", id: "screen-counts" }, Object.entries(counts).map(([status, n]) => metric(num(n), t(`status.${status}`)))),
        table(SCREEN_COLUMNS(), run.rows || [], { id: "screen-table", exportName: "screening.csv" }),
        h("h2", {}, t("screen.lists")),
        table([{ key: "list", label: t("col.list") }, { key: "edition", label: t("col.edition"), cell: (r) => date(r.edition) },
          { key: "snapshot", label: t("col.snapshot"), cell: (r) => date(r.snapshot) }, { key: "entries", label: t("col.entries"), num: true }], run.lists || []),
        warnings(run));
    } catch (error) {
      fill(results, h("p", { class: "error" }, error.message));
    }
  });
  fill(view, h("h1", {}, t("screen.title")), card(null, h("p", {}, t("screen.intro")), form), results);
}

// A scenario object as block YAML for the editor (the API reads YAML or JSON; scalars are written as JSON).
function toYaml(value, indent = "") {
  const scalar = (v) => (typeof v === "string" && /^[\w .\-/]+$/.test(v) && !/^(true|false|null|yes|no|on|off|[\d.\-]+)$/i.test(v) ? v : JSON.stringify(v));
  const block = (v) => v !== null && typeof v === "object" && Object.keys(v).length > 0;
  if (Array.isArray(value)) {
    return value.map((item) => (block(item) ? `${indent}- ${toYaml(item, `${indent}  `).trimStart()}` : `${indent}- ${scalar(item)}\n`)).join("");
  }
  return Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) =>
    (block(v) ? `${indent}${k}:\n${toYaml(v, `${indent}  `)}` : `${indent}${k}: ${scalar(v)}\n`)).join("");
}

async function scenarioPage() {
  const listing = await api("scenarios");
  const examples = listing.items || [];
  const editor = h("textarea", { id: "scenario-yaml", spellcheck: "false" });
  const chooser = h("select", { id: "scenario-choice" }, examples.map((s) => h("option", { value: s.name }, s.name)));
  const pick = () => { editor.value = toYaml(examples.find((s) => s.name === chooser.value)?.scenario || {}); };
  chooser.addEventListener("change", pick);
  pick();
  const results = h("div", { id: "scenario-results" });
  const run = async (compare) => {
    fill(results, h("p", { class: "muted" }, t("app.loading")));
    try {
      const headers = { "Content-Type": "application/yaml" };
      if (compare) {
        const a = editor.value.split("\n").map((line) => `  ${line}`).join("\n");
        const diff = await api("scenarios/compare", { method: "POST", headers, body: `a:\n${a}\nb: baseline\n` });
        fill(results, card(t("scenario.compare_title", { n: num(diff.summary?.substances_differing) }), table([
          { key: "substance", label: t("col.substance"), cell: (r) => substanceLink(r.substance) },
          { key: "sources_before", label: t("col.sources_before"), num: true },
          { key: "sources_after_a", label: t("col.after_scenario"), num: true },
          { key: "sources_after_b", label: t("col.after_baseline"), num: true },
          { key: "hhi_after_a", label: t("col.hhi_scenario"), num: true, cell: (r) => num(r.hhi_after_a) },
          { key: "hhi_after_b", label: t("col.hhi_baseline"), num: true, cell: (r) => num(r.hhi_after_b) },
        ], diff.substances || [], { id: "compare-table", exportName: "scenario-compare.csv" })));
        return;
      }
      const result = await api("scenarios/run", { method: "POST", headers, body: editor.value });
      const s = result.summary || {};
      const left = s.left_with_sources || {};
      fill(results,
        card(t("scenario.impacts"), h("div", { class: "metrics", id: "scenario-summary" },
          metric(num(s.substances_losing_sources), t("scenario.losing")),
          metric(num(s.sources_lost), t("scenario.sources_lost")),
          metric(num(left["0"]), t("scenario.left_0")),
          metric(num(left["1"]), t("scenario.left_1")),
          metric(num(s.applications_affected), t("scenario.applications"))),
        h("p", { class: "note" }, result.data?.note || "")),
        card(t("scenario.substances"), table([
          { key: "substance", label: t("col.substance"), cell: (r) => substanceLink(r.substance) },
          { key: "sources_before", label: t("col.sources_before"), num: true },
          { key: "sources_after", label: t("col.sources_after"), num: true },
          { key: "hhi_before", label: t("col.hhi_before"), num: true, cell: (r) => num(r.hhi_before) },
          { key: "hhi_after", label: t("col.hhi_after"), num: true, cell: (r) => num(r.hhi_after) },
        ], [...(result.substances || [])].sort((a, b) => a.sources_after - b.sources_after), { id: "scenario-table", exportName: "scenario-impacts.csv" })),
        card(t("scenario.gains"), table([
          { key: "country", label: t("col.country"), value: (r) => countryName(r.country), cell: (r) => countryLink(r.country) },
          { key: "substances", label: t("col.substances"), num: true },
          { key: "mean_share_gain", label: t("col.share_gain"), num: true, cell: (r) => pct(r.mean_share_gain) },
        ], result.gains?.by_country || [])));
    } catch (error) {
      fill(results, h("p", { class: "error" }, error.message));
    }
  };
  fill(view, h("h1", {}, t("scenario.title")), card(null,
    h("div", { class: "toolbar" }, h("label", { for: "scenario-choice" }, t("scenario.example")), chooser),
    editor,
    h("div", { class: "toolbar" },
      h("button", { type: "button", id: "scenario-run", onclick: () => run(false) }, t("scenario.run")),
      h("button", { type: "button", class: "secondary", id: "scenario-compare", onclick: () => run(true) }, t("scenario.compare")))), results);
}

function countryForm(param, value, target) {
  const input = h("input", { name: param, value, size: 4, maxlength: 2, pattern: "[A-Za-z]{2}", id: `${param}-input` });
  const form = h("form", { class: "toolbar" }, h("label", { for: `${param}-input` }, t("form.country")), input, h("button", { type: "submit" }, t("form.show")));
  form.addEventListener("submit", (event) => { event.preventDefault(); location.hash = `${target}?${param}=${input.value.toUpperCase()}`; });
  return form;
}

async function opportunitiesPage(params) {
  const home = (params.get("home") || "KR").toUpperCase();
  const scope = params.get("scope") || "us_human_rx";
  fill(view, h("h1", {}, t("opp.title", { country: countryName(home) })), countryForm("home", home, "#/opportunities"), scopeSelect(params, "#/opportunities"));
  const answer = await api(`opportunities?home=${home}&scope=${scope}`);
  add(view,
    card(null, h("div", { class: "metrics" },
      metric(num(answer.candidates), t("opp.candidates")),
      metric(num(answer.with_home_capability), t("opp.capability")),
      metric(num(answer.white_space), t("opp.white_space"))), h("p", { class: "note" }, answer.basis || ""), h("p", { class: "note" }, answer.scope_note || "")),
    card(t("opp.ranked"), table([
      { key: "rank", label: t("col.rank"), num: true },
      { key: "substance", label: t("col.substance"), cell: (r) => substanceLink(r.substance) },
      { key: "score", label: t("col.score"), num: true, cell: (r) => num(r.score, 1) },
      { key: "n_sources", label: t("col.sources"), num: true },
      { key: "home_capability", label: t("col.home_capability"), value: (r) => r.home_capability ?? "" },
      { key: "why", label: t("col.why"), value: (r) => (r.why_listed || []).join("; ") },
    ], answer.opportunities || [], { id: "opportunities", exportName: `opportunities-${home}.csv` })),
    warnings(answer));
}

// A translated label for a value from the API (an application type, a capability), else the value itself.
const label = (prefix, value) => state.strings[`${prefix}.${value}`] ?? state.fallback[`${prefix}.${value}`] ?? value;

// "sponsor", a curated subsidiary of a firm of the country, or a curated partner case: originated in the
// country, held by a partner elsewhere.
function origin(row, country) {
  if (row.origin?.startsWith("subsidiary of ")) return t("appr.subsidiary", { firm: row.origin.slice(14), holder: countryName(row.sponsor_country) });
  if (!row.origin?.startsWith("partner:")) return t("appr.sponsor");
  return t("appr.partner", { firm: row.origin.slice(8).trim(), country: countryName(country), holder: countryName(row.sponsor_country) });
}

async function approvalsPage(params) {
  const country = (params.get("country") || "KR").toUpperCase();
  fill(view, h("h1", {}, t("appr.title", { country: countryName(country) })), countryForm("country", country, "#/approvals"));
  const answer = await api(`approvals?country=${country}`);
  const years = answer.by_year || [];
  const limits = answer.limits || {};
  add(view,
    card(t("appr.by_type"), h("div", { class: "metrics" }, Object.entries(answer.by_type || {}).map(([type, n]) => metric(num(n), label("apptype", type))))),
    card(t("appr.timeline"), drawBars(years.map((r) => ({ label: r.year ?? t("appr.undated"), value: r.applications })), { num, label: t("appr.timeline") }), table([
      { key: "year", label: t("col.year"), value: (r) => r.year ?? t("appr.undated") },
      { key: "applications", label: t("col.applications"), num: true },
      { key: "by_type", label: t("col.by_type"), value: (r) => Object.entries(r.by_type || {}).map(([k, v]) => `${k} ${v}`).join(", ") },
    ], years, { id: "approvals-years" })),
    card(t("appr.applications"), table([
      { key: "application", label: t("col.application") },
      { key: "type", label: t("col.type"), value: (r) => label("apptype", r.type) },
      { key: "sponsor", label: t("col.sponsor"), cell: (r) => firmLink(r.sponsor) },
      { key: "product", label: t("col.product") },
      { key: "approval_date", label: t("col.approval_date"), cell: (r) => (r.approval_date ? date(r.approval_date) : h("span", { class: "muted" }, t("appr.unknown_date"))) },
      { key: "origin", label: t("col.origin"), value: (r) => origin(r, answer.country) },
      { key: "missing", label: t("col.missing"), value: (r) => (r.missing || []).map((m) => m.split(":")[0]).join("; ") },
    ], answer.applications || [], { id: "approvals-table", exportName: `approvals-${country}.csv` }),
    h("p", { class: "note" }, t("appr.limits", { end: date(limits.drugsfda_submissions_end) }))),
    (answer.tentative || []).length ? card(t("appr.tentative"), h("p", { class: "note" }, t("appr.tentative_note")), table([
      { key: "application", label: t("col.application") },
      { key: "sponsor", label: t("col.sponsor"), cell: (r) => firmLink(r.sponsor) },
      { key: "marketing_status", label: t("col.status") },
    ], answer.tentative, { id: "approvals-tentative" })) : null,
    country === "KR" ? await registerCard(params.get("firm") || "") : null,
    warnings(answer));
}

// The Korean firm register, searched by Korean or English name (#/approvals?country=KR&firm=셀트리온).
async function registerCard(search) {
  const input = h("input", { name: "firm", value: search, id: "firm-input", placeholder: t("reg.placeholder") });
  const form = h("form", { class: "toolbar" }, h("label", { for: "firm-input" }, t("reg.search")), input, h("button", { type: "submit" }, t("form.show")));
  form.addEventListener("submit", (event) => { event.preventDefault(); location.hash = `#/approvals?country=KR&firm=${encodeURIComponent(input.value.trim())}`; });
  const answer = await api(`firm-register${search ? `?search=${encodeURIComponent(search)}` : ""}`);
  const firms = search ? answer.firms : answer.firms.filter((f) => f.register_line);
  return card(t("reg.title"), form, table([
    { key: "name", label: t("col.firm"), cell: (r) => firmLink(r.name) },
    { key: "name_ko", label: t("reg.name_ko") },
    { key: "group", label: t("col.group"), value: (r) => (state.lang === "ko" ? r.group_ko : r.group) ?? "" },
    { key: "country_iso2", label: t("col.country"), cell: (r) => countryLink(r.country_iso2) },
    { key: "dmfs", label: t("col.dmfs"), num: true },
    { key: "establishments", label: t("reg.establishments"), num: true },
    { key: "applications", label: t("col.applications"), num: true },
    { key: "blas", label: t("reg.blas"), num: true },
    { key: "facts", label: t("reg.facts"), value: (r) => (r.facts || []).map((f) => `${f.text} (${f.date}${f.claim ? `, ${t("reg.claim")}` : ""})`).join("; ") },
  ], firms, { id: "register-table", exportName: "korean-firms.csv" }), h("p", { class: "note" }, t("reg.note")));
}

async function biologicsPage(params) {
  const country = (params.get("country") || "KR").toUpperCase();
  fill(view, h("h1", {}, t("bio.title", { country: countryName(country) })), countryForm("country", country, "#/biologics"));
  const answer = await api(`biologics?country=${country}`);
  const where = (code) => countryLink(code === "(unknown)" ? "unknown" : code);
  add(view,
    card(t("bio.by_holder"), table([
      { key: "country", label: t("col.country"), cell: (r) => where(r.country) },
      { key: "bla_351a", label: label("apptype", "BLA 351(a)"), num: true },
      { key: "biosimilar", label: label("apptype", "BLA 351(k) biosimilar"), num: true },
      { key: "interchangeable", label: label("apptype", "BLA 351(k) interchangeable"), num: true },
      { key: "total", label: t("bio.total"), num: true },
    ], answer.by_holder_country || [], { id: "biologics-by-country", exportName: "biologics-by-holder-country.csv" })),
    card(t("bio.products", { country: countryName(country) }), table([
      { key: "application", label: t("col.application") },
      { key: "type", label: t("col.type"), value: (r) => label("apptype", r.type) },
      { key: "sponsor", label: t("col.sponsor"), cell: (r) => firmLink(r.sponsor) },
      { key: "product", label: t("col.product") },
      { key: "approval_date", label: t("col.approval_date"), cell: (r) => date(r.approval_date) },
      { key: "origin", label: t("col.origin"), value: (r) => origin(r, answer.country) },
    ], answer.products || [], { id: "biologics-products", exportName: `biologics-${country}.csv` })),
    card(t("bio.sites", { country: countryName(country) }), table([
      { key: "fei", label: "FEI" },
      { key: "name", label: t("col.name") },
      { key: "site_country", label: t("col.country"), cell: (r) => countryLink(r.site_country) },
      { key: "owner", label: t("bio.owner"), cell: (r) => firmLink(r.owner) },
      { key: "owner_group", label: t("col.group") },
      { key: "evidence", label: t("col.evidence"), value: (r) => (r.evidence || []).join("; ") },
    ], answer.sites || [], { id: "biologics-sites", exportName: `biologic-sites-${country}.csv` })),
    answer.capacity ? card(t("bio.capacity"), table([
      { key: "firm", label: t("col.firm"), value: (r) => (state.lang === "ko" ? r.name_ko : r.firm) },
      { key: "litres", label: t("bio.litres"), num: true, value: (r) => num(r.litres) },
      { key: "text", label: t("col.text") },
      { key: "date", label: t("bio.date"), value: (r) => date(r.date) },
      { key: "claim", label: t("reg.claim"), value: (r) => (r.claim ? t("reg.claim") : "") },
      { key: "sources", label: t("col.sources"), value: (r) => (r.sources || []).join("; ") },
    ], answer.capacity, { id: "biologics-capacity" })) : null,
    card(t("bio.dmfs"), table([
      { key: "capability", label: t("bio.capability"), value: (r) => label("cap", r.capability) },
      { key: "by_country", label: t("bio.by_country"), value: (r) => Object.entries(r.by_country).map(([c, n]) => `${c === "(unknown)" ? t("country.unknown") : countryName(c)} ${num(n)}`).join(", ") },
    ], answer.dmfs_by_capability || [], { id: "biologics-dmfs" })),
    card(t("bio.biosecure"), h("p", { class: "note" }, t("bio.limits")), (answer.biosecure?.alternatives || []).map((item) => h("div", {},
      h("h3", {}, label("cap", item.capability)),
      h("p", {}, t("bio.linked", { holders: item.linked_holders.join(", ") })),
      table([
        { key: "country", label: t("col.country"), cell: (r) => where(r.country) },
        { key: "holders", label: t("bio.holders"), value: (r) => r.holders.join("; ") },
      ], item.other_holders, { id: `biosecure-${item.capability.replace(/\W+/g, "-")}` })))),
    warnings(answer));
}

// FDA shortages per substance, one row per presentation (#/shortages?scope=&critical=true&since=YYYY-MM-DD).
function shortageFilters(params) {
  const critical = h("input", { type: "checkbox", id: "critical-input", name: "critical", checked: params.get("critical") === "true" });
  const since = h("input", { type: "date", id: "since-input", name: "since", value: params.get("since") || "" });
  const form = h("form", { class: "toolbar", id: "shortage-filters" },
    critical, h("label", { for: "critical-input" }, t("short.critical")),
    h("label", { for: "since-input" }, t("short.since")), since, h("button", { type: "submit" }, t("form.show")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = new URLSearchParams(params);
    if (critical.checked) next.set("critical", "true"); else next.delete("critical");
    if (since.value) next.set("since", since.value); else next.delete("since");
    location.hash = `#/shortages?${next}`;
  });
  return form;
}
function recoveryText(estimate) {
  if (!estimate) return "";
  if (!estimate.from) return estimate.undetermined ? t("short.tbd") : estimate.phrase;
  const month = (day) => new Intl.DateTimeFormat(locale(), { year: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));
  const text = estimate.from === estimate.to ? date(estimate.from) : month(estimate.from) === month(estimate.to) ? month(estimate.from) : `${month(estimate.from)} – ${month(estimate.to)}`;
  return estimate.passed ? t("short.passed", { when: text }) : text;
}
function criticality(c) {
  return [c.eu_union_list ? t("short.eu") : null, c.jp_category ? t("short.jp", { cat: c.jp_category }) : null,
    c.essential_medicine_countries ? t("short.eml", { n: num(c.essential_medicine_countries) }) : null].filter(Boolean).join(", ");
}

async function shortagesPage(params) {
  const query = new URLSearchParams({ scope: params.get("scope") || "us_human_rx" });
  if (params.get("critical") === "true") query.set("critical", "true");
  if (params.get("since")) query.set("since", params.get("since"));
  fill(view, h("h1", {}, t("short.title")), card(null, h("p", {}, t("short.intro"))), scopeSelect(params, "#/shortages"), shortageFilters(params));
  query.set("limit", "500");
  const answer = await api(`shortages?${query}`);
  while (answer.presentations.length < answer.presentations_total) {  // the API pages presentations
    query.set("offset", String(answer.presentations.length));
    answer.presentations.push(...(await api(`shortages?${query}`)).presentations);
  }
  const totals = answer.totals;
  const files = answer.snapshots.map((f) => `${label("shortsource", f.source)} ${date(f.snapshot)}`).join(", ");
  add(view,
    card(null, h("div", { class: "metrics", id: "shortage-metrics" },
      metric(num(totals.presentations), t("short.presentations")),
      metric(num(totals.substances), t("short.substances")),
      metric(num(totals.current), t("short.current")),
      metric(num(totals.to_be_discontinued), t("short.discontinued")),
      metric(num(totals.recovery_dated), t("short.recovery_dated"))),
    h("p", { class: "note", id: "shortage-as-of" }, t("short.as_of", { date: date(answer.as_of), files })),
    h("p", { class: "note" }, answer.scope_note), notes(answer.filters)),
    answer.presentations.length ? [
      card(t("short.by_substance"), table([
        { key: "substance", label: t("col.substance"), cell: (s) => substanceLink(s.substance) },
        { key: "presentations", label: t("short.col.presentations"), num: true },
        { key: "current", label: t("short.col.current"), num: true },
        { key: "criticality", label: t("short.col.criticality"), value: (s) => criticality(s.criticality) },
        { key: "n_sources", label: t("col.sources"), num: true },
        { key: "main_countries", label: t("short.col.countries"), value: (s) => s.main_countries.map((c) => `${countryName(c.country)} ${num(c.sources)}`).join(", ") },
        { key: "market_scope", label: t("short.col.scope"), value: (s) => t(`scope.${s.market_scope}`) },
      ], answer.substances, { id: "shortage-substances", exportName: "shortage-substances.csv" })),
      card(t("short.table"), table([
        { key: "substance", label: t("col.substance"), value: (r) => r.substances.map((s) => s.substance).join(", "), cell: (r) => r.substances.flatMap((s, i) => [i ? ", " : null, substanceLink(s.substance)]) },
        { key: "status", label: t("short.col.status"), value: (r) => label("shortstatus", r.status) },
        { key: "presentation", label: t("short.col.presentation") },
        { key: "company", label: t("short.col.company") },
        { key: "first_posted", label: t("short.col.posted"), cell: (r) => date(r.first_posted) },
        { key: "age_days", label: t("short.col.age"), num: true, cell: (r) => num(r.age_days) },
        { key: "availability", label: t("short.col.availability") },
        { key: "recovery", label: t("short.col.recovery"), value: (r) => recoveryText(r.recovery), cell: (r) => h("span", { title: r.recovery?.phrase || "" }, recoveryText(r.recovery)) },
        { key: "reason", label: t("short.col.reason") },
        { key: "sources", label: t("short.col.files"), value: (r) => r.sources.map((s) => label("shortsource", s)).join(" + ") },
      ], answer.presentations, { id: "shortage-table", exportName: "shortages.csv" })),
    ] : card(null, h("p", { class: "muted" }, t("short.none"))),
    card(t("short.limits"), notes(answer.limits), warnings(answer)));
}

// Substances rolled up by ATC therapeutic class (#/classes?level=1..4&scope=).
const levelSelect = (params) => paramSelect(params, "#/classes", "level", ["1", "2", "3", "4"], "3", (l) => t(`classes.level.${l}`), t("classes.level"));
function className(row) {
  if (row.system === "unclassified") return t("classes.unclassified_name");
  return (state.lang === "ko" && row.name_ko) || row.name_en || row.code;
}

async function classesPage(params) {
  const level = params.get("level") || "3";
  const scope = params.get("scope") || "us_human_rx";
  fill(view, h("h1", {}, t("classes.title")), card(null, h("p", {}, t("classes.intro"))), levelSelect(params), scopeSelect(params, "#/classes"));
  const answer = await api(`classes?level=${encodeURIComponent(level)}&scope=${encodeURIComponent(scope)}`);
  const cover = answer.coverage;
  const codeLabel = { fda_epc: t("classes.epc_code"), unclassified: t("classes.none_code") };
  const routes = Object.entries(cover.routes).map(([route, n]) => `${t(`classes.route.${route}`)} ${num(n)}`).join("; ");
  add(view,
    card(null, h("div", { class: "metrics", id: "classes-metrics" },
      metric(num(answer.substances), t("classes.substances")),
      metric(num(cover.atc), t("classes.atc")),
      metric(num(cover.fda_epc), t("classes.epc")),
      metric(num(cover.unclassified), t("classes.unclassified")),
      metric(num(cover.substances_in_several_classes), t("classes.several"))),
    h("p", { class: "note", id: "classes-routes" }, t("classes.routes", { routes })),
    h("p", { class: "note" }, answer.scope_note)),
    card(t("classes.table", { level: answer.level }), table([
      { key: "code", label: t("classes.col.class"), value: (r) => codeLabel[r.system] ?? r.code },
      { key: "name", label: t("classes.col.name"), value: (r) => className(r) },
      { key: "substances", label: t("classes.col.substances"), num: true, cell: (r) => num(r.substances) },
      { key: "with_sources", label: t("classes.col.with_sources"), num: true, cell: (r) => num(r.with_sources) },
      { key: "api_sources", label: t("classes.col.api_sources"), num: true, cell: (r) => num(r.api_sources) },
      { key: "single_source_share", label: t("classes.col.single"), num: true, cell: (r) => pct(r.single_source_share) },
      { key: "median_hhi", label: t("classes.col.hhi"), num: true, cell: (r) => num(r.median_hhi) },
      { key: "top_countries", label: t("classes.col.countries"), value: (r) => r.top_countries.map((c) => `${countryName(c.country)} ${pct(c.share)}`).join(", ") },
      { key: "current_shortages", label: t("classes.col.shortages"), num: true, cell: (r) => num(r.current_shortages) },
      { key: "examples", label: t("classes.col.examples"), value: (r) => r.examples.join("; "), cell: (r) => r.examples.flatMap((name, i) => (i ? [", ", substanceLink(name)] : [substanceLink(name)])) },
    ], answer.rows, { id: "classes-table", exportName: `classes-level-${answer.level}-${answer.scope}.csv` }),
    h("p", { class: "note" }, answer.definition)),
    card(t("classes.limits"), notes(answer.limits), notes(answer.notes), warnings(answer)));
}

// ---------- routing ----------
const ROUTES = [
  [/^#\/substance\/(.+)$/, (m) => substancePage(decodeURIComponent(m[1]))],
  [/^#\/firm\/(.+)$/, (m) => firmPage(decodeURIComponent(m[1]))],
  [/^#\/country\/([A-Za-z]{2})$/, (m, params) => countryPage(m[1], params)],
  [/^#\/search$/, (m, params) => searchPage(params)],
  [/^#\/screen$/, () => screenPage()],
  [/^#\/scenario$/, () => scenarioPage()],
  [/^#\/opportunities$/, (m, params) => opportunitiesPage(params)],
  [/^#\/approvals$/, (m, params) => approvalsPage(params)],
  [/^#\/biologics$/, (m, params) => biologicsPage(params)],
  [/^#\/shortages$/, (m, params) => shortagesPage(params)],
  [/^#\/classes$/, (m, params) => classesPage(params)],
];

async function route() {
  const [path, query] = (location.hash || "#/").split("?");
  const params = new URLSearchParams(query || "");
  view.setAttribute("aria-busy", "true");
  fill(view, h("p", { class: "muted" }, t("app.loading")));
  try {
    const found = ROUTES.find(([pattern]) => pattern.test(path));
    await (found ? found[1](path.match(found[0]), params) : homePage(params));
  } catch (error) {
    fill(view, h("h1", {}, t("app.error")), h("p", { class: "error" }, error.message));
  } finally {
    view.setAttribute("aria-busy", "false");
  }
}

document.getElementById("search").addEventListener("submit", (event) => {
  event.preventDefault();
  location.hash = `#/search?q=${encodeURIComponent(document.getElementById("q").value.trim())}`;
});
document.getElementById("lang").addEventListener("click", async () => {
  const next = state.lang === "en" ? "ko" : "en";
  localStorage.setItem("rxatlas.lang", next);
  await loadLanguage(next);
  await route();
});
window.addEventListener("hashchange", route);
await loadLanguage(state.lang);
await route();
