// Validates APL documents with Amazon's apl-suggester (StaticAplTemplateValidator), offline.
// Input (stdin): a JSON list of {"name", "document", "datasources"}. Output (stdout):
// {"cases": [{"name", "findings": [{level, path, message}]}], "unfetched": [URL, ...]}.
//
// apl-suggester downloads every imported package (alexa-layouts, alexa-viewport-profiles)
// from Amazon's asset host with axios at validation time. Tests are hermetic, so axios is
// stubbed to fail. The suggester does not put a failed fetch among its findings (it only goes
// to ErrorController's optional error interface, PACKAGE_LOADER_CANNOT_FETCH_URL), so this
// script lists the URLs it asked for as "unfetched": the imported layouts' own parameters
// (AlexaHeader, AlexaButton, ...) go unchecked. Every finding is kept.
const axios = require("axios");

const unfetchedUrls = [];
function offline(url) {
  unfetchedUrls.push(String(url));
  return Promise.reject(new Error(`offline: not fetching ${url}`));
}
axios.get = offline;
if (axios.default) axios.default.get = offline;

const { StaticAplTemplateValidator } = require("apl-suggester");

function read() {
  return new Promise((resolve, reject) => {
    let text = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk) => { text += chunk; });
    process.stdin.on("end", () => resolve(text));
    process.stdin.on("error", reject);
  });
}

async function main() {
  const cases = JSON.parse(await read());
  const validator = new StaticAplTemplateValidator();
  const out = [];
  for (const c of cases) {
    const raw = [
      ...(await validator.validate(c.document)),
      ...(await validator.validateDataSources(c.datasources || {})),
    ];
    const findings = raw.map((f) => ({
      level: f.level, path: f.path, message: String(f.errorMessage || f.message) }));
    out.push({ name: c.name, findings });
  }
  process.stdout.write(JSON.stringify({ cases: out, unfetched: [...new Set(unfetchedUrls)] }));
}

main().catch((err) => { console.error(err && err.stack ? err.stack : err); process.exit(1); });
