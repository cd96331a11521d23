// Offline charts as plain SVG: a world choropleth (world-atlas TopoJSON, vendored) and a shortage timeline.
const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 960;
const HEIGHT = 440;
const NORTH = 84;
const SOUTH = -58;
const COLOURS = ["#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

let world = null;
async function loadWorld() {
  if (!world) {
    const [topology, codes] = await Promise.all([
      fetch("vendor/countries-110m.json").then((r) => r.json()),
      fetch("vendor/country-codes.json").then((r) => r.json()),
    ]);
    const iso2 = Object.fromEntries(codes.map(([alpha2, , numeric]) => [numeric, alpha2]));
    const features = window.topojson.feature(topology, topology.objects.countries).features;
    world = features.map((f) => ({ iso2: iso2[String(f.id).padStart(3, "0")], name: f.properties.name, path: pathOf(f.geometry) }));
  }
  return world;
}

// Equirectangular projection; a ring that crosses the antimeridian is unwrapped past 180° (clipped by the viewBox).
const x = (lon) => ((lon + 180) / 360) * WIDTH;
const y = (lat) => ((NORTH - lat) / (NORTH - SOUTH)) * HEIGHT;
function ringPath(ring) {
  const crosses = ring.some((p, i) => i > 0 && Math.abs(p[0] - ring[i - 1][0]) > 180);
  return `M${ring.map(([lon, lat]) => `${x(crosses && lon < 0 ? lon + 360 : lon).toFixed(1)},${y(lat).toFixed(1)}`).join("L")}Z`;
}
function pathOf(geometry) {
  if (!geometry) return "";
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  return polygons.flatMap((polygon) => polygon.map(ringPath)).join("");
}

/** Draw a world map into box, shading each country by its count of sources ({iso2: count}). */
export async function drawMap(box, counts, { countryName, num, t }) {
  const shapes = await loadWorld();
  const max = Math.max(1, ...Object.values(counts));
  const colour = (n) => COLOURS[Math.min(COLOURS.length - 1, Math.floor(((n - 1) / max) * COLOURS.length))];
  const map = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-label": t("map.label") });
  for (const shape of shapes) {
    const n = counts[shape.iso2] || 0;
    const path = svg("path", { d: shape.path, class: "country", "data-iso2": shape.iso2 || "" });
    if (n) path.setAttribute("style", `fill:${colour(n)}`);
    path.append(svg("title", {}, `${shape.iso2 ? countryName(shape.iso2) : shape.name}: ${t("map.sources", { n: num(n) })}`));
    if (n && shape.iso2) path.addEventListener("click", () => { location.hash = `#/country/${shape.iso2}`; });
    map.append(path);
  }
  const legend = document.createElement("div");
  legend.className = "legend";
  legend.append(t("map.legend"), " ");
  COLOURS.forEach((c, i) => {
    const swatch = document.createElement("i");
    swatch.style.background = c;
    legend.append(swatch, ` ${num(Math.max(1, Math.ceil((i * max) / COLOURS.length) + 1))}+ `);
  });
  box.replaceChildren(map, legend);
}

/** A timeline of shortages: one bar per presentation from first posting to discontinuation or last update. */
export function drawTimeline(rows, { date, t }) {
  const day = (text) => (text ? Date.parse(`${text.slice(0, 10)}T00:00:00Z`) : NaN);
  const spans = rows.map((r) => ({ ...r, start: day(r.first_posted), end: day(r.discontinued) || day(r.last_update) }))
    .filter((r) => !Number.isNaN(r.start));
  const start = Math.min(...spans.map((r) => r.start));
  const end = Math.max(...spans.map((r) => r.end || r.start), start + 864e5);
  const left = 260;
  const width = 960;
  const rowHeight = 22;
  const scale = (ms) => left + ((ms - start) / (end - start)) * (width - left - 10);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${spans.length * rowHeight + 24}`, role: "img", "aria-label": t("timeline.label") });
  spans.forEach((r, i) => {
    const top = i * rowHeight;
    chart.append(svg("text", { x: 0, y: top + 15, "font-size": 11 }, `${r.presentation.slice(0, 40)} (${r.status})`));
    const bar = svg("rect", { x: scale(r.start), y: top + 4, width: Math.max(2, scale(r.end || r.start) - scale(r.start)), height: 14,
      fill: r.status === "Current" ? "#b3261e" : "#6baed6" });
    bar.append(svg("title", {}, `${r.presentation}, ${date(r.first_posted)} – ${date(r.discontinued || r.last_update)}: ${r.reason || ""}`));
    chart.append(bar);
  });
  const axisY = spans.length * rowHeight + 16;
  chart.append(svg("text", { x: left, y: axisY, "font-size": 11 }, date(new Date(start).toISOString())),
    svg("text", { x: width - 10, y: axisY, "font-size": 11, "text-anchor": "end" }, date(new Date(end).toISOString())));
  const box = document.createElement("div");
  box.className = "timeline";
  box.append(chart);
  return box;
}

/** A vertical bar chart of counts ([{label, value}]), e.g. applications per year of first approval. */
export function drawBars(rows, { num, label }) {
  const width = 960;
  const height = 180;
  const bottom = 20;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const step = width / Math.max(12, rows.length);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height + bottom}`, role: "img", "aria-label": label, class: "bars" });
  rows.forEach((r, i) => {
    const barHeight = (r.value / max) * (height - 16);
    const x0 = i * step + step * 0.15;
    const bar = svg("rect", { x: x0, y: height - barHeight, width: step * 0.7, height: barHeight, class: "bar" });
    bar.append(svg("title", {}, `${r.label}: ${num(r.value)}`));
    chart.append(bar,
      svg("text", { x: x0 + step * 0.35, y: height - barHeight - 4, "font-size": 11, "text-anchor": "middle" }, num(r.value)),
      svg("text", { x: x0 + step * 0.35, y: height + 14, "font-size": 11, "text-anchor": "middle" }, r.label));
  });
  const box = document.createElement("div");
  box.className = "timeline";
  box.append(chart);
  return box;
}
