// Compiles the project's Sass entry point with GOV.UK Frontend and copies the assets the pages use
// into static/dist/ (not committed). Run by `make setup` through `npm run build`.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const dist = join(root, "static", "dist");

mkdirSync(dist, { recursive: true });

const result = sass.compile(join(root, "static", "src", "app.scss"), {
  importers: [new sass.NodePackageImporter()],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(dist, "app.css"), result.css);

cpSync(join(govuk, "govuk-frontend.min.js"), join(dist, "govuk-frontend.min.js"));
// The whole assets folder: the compiled CSS refers to some of its images (the crest among them),
// and collectstatic's manifest storage refuses to run when a referenced file is missing.
cpSync(join(govuk, "assets"), join(dist, "assets"), { recursive: true });
console.log(`built ${join("static", "dist", "app.css")} (${result.css.length} bytes)`);
