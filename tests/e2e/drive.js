// Drives a running Hip Coach endpoint the way a speaker would, from the interaction model:
// virtual-alexa parses interaction_model/en-US.json, resolves each utterance to an intent
// and slots on its own (no code of ours involved) and POSTs real request envelopes.
// Usage: node drive.js <skill URL> <interaction model> <utterance>... ; prints JSON lines.
const va = require("virtual-alexa");

async function main() {
  const [url, model, ...utterances] = process.argv.slice(2);
  const alexa = va.VirtualAlexa.Builder()
    .interactionModelFile(model)
    .skillURL(url)
    .applicationID("amzn1.ask.skill.virtual-alexa")
    .create();
  const results = [];
  const reply = await alexa.launch();
  results.push({ said: "<launch>", reply });
  for (const text of utterances) {
    try {
      results.push({ said: text, reply: await alexa.utter(text) });
    } catch (err) {
      results.push({ said: text, error: String(err && err.message ? err.message : err) });
    }
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((err) => { console.error(err); process.exit(1); });
