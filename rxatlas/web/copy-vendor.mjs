// Copy the few third-party files the web app needs from node_modules into static/vendor (run by scripts/setup.sh).
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const vendor = join(here, "static", "vendor");
const files = [
  ["world-atlas/countries-110m.json", "countries-110m.json"],
  ["world-atlas/LICENSE", "world-atlas.LICENSE"],
  ["topojson-client/dist/topojson-client.min.js", "topojson-client.min.js"],
  ["topojson-client/LICENSE", "topojson-client.LICENSE"],
  ["i18n-iso-countries/codes.json", "country-codes.json"],
  ["i18n-iso-countries/LICENSE", "i18n-iso-countries.LICENSE"],
];
mkdirSync(vendor, { recursive: true });
for (const [from, to] of files) {
  copyFileSync(join(here, "node_modules", from), join(vendor, to));
}
console.log(`copied ${files.length} files into ${vendor}`);
