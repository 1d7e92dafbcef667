// Reads phrases the way virtual-alexa's NLU would, without a skill behind it: no endpoint,
// no request envelopes, just virtual-alexa's own model reader and virtual-core's matcher.
// Usage: node match.js MODEL.json < lines of {"say": "..."}
// Writes one JSON line per input line, in order:
//   {"say": ..., "intent": "<name>" | null, "slots": {"<slot>": {"value": ..., "id": ... | null}}}
//
// How it behaves, so a score built on it can be read right:
// - Intent and slot values come from virtual-core's Utterance, exactly as VirtualAlexa.utter
//   gets them (top scoring sample; custom slot values must equal a value or synonym).
// - Nothing matched -> "intent": null. virtual-core has no fallback of its own (utter() would
//   throw "Unable to match utterance"), and AMAZON.FallbackIntent has no samples, so this
//   script never reports AMAZON.FallbackIntent.
// - virtual-alexa adds its own tiny sample lists for the AMAZON.* intents the model declares
//   (BuiltinUtterances.js: "help", "stop", "yes", ...) on top of the model's samples.
// - The slot id is the first custom value that the heard words equal, as virtual-alexa's
//   entity resolution (impl/SlotValue.js) would report it first; built-in types such as
//   AMAZON.NUMBER give "id": null. A slot left empty by the matched sample is omitted.
// - VirtualAlexa.utter's "ask/tell <skill> to ..." launch parsing is not applied: the phrase is
//   matched as written.
// - A line that cannot be read or matched gives "intent": null plus an "error" string.
const path = require("path");
const readline = require("readline");
const { Utterance } = require("virtual-core");
const { InteractionModel } = require(
  path.join(path.dirname(require.resolve("virtual-alexa")), "model", "InteractionModel"));

function slotId(model, intentName, slotName, value) {
  const intent = model.intentSchema.intent(intentName);
  const slot = intent && intent.slotForName(slotName);
  const type = slot && model.slotTypes.slotType(slot.type);
  if (!type || !type.isCustom()) {
    return null;
  }
  for (const match of type.matchAll(value)) {
    if (match.enumeratedValue && !match.enumeratedValue.builtin) {
      return match.enumeratedValue.id === undefined ? null : match.enumeratedValue.id;
    }
  }
  return null;
}

function hear(model, say) {
  const utterance = new Utterance(model, say);
  if (!utterance.matched()) {
    return { say, intent: null, slots: {} };
  }
  const intentName = utterance.intent();
  const sample = utterance.matchedSample;
  const slots = {};
  for (let i = 0; i < sample.slotCount(); i++) {
    const name = sample.slotName(i);
    const value = utterance.slot(i);
    if (value) {
      slots[name] = { value, id: slotId(model, intentName, name, value) };
    }
  }
  return { say, intent: intentName, slots };
}

function main() {
  const modelFile = process.argv[2];
  if (!modelFile) {
    console.error("usage: node match.js MODEL.json < JSON lines of {\"say\": ...}");
    process.exit(2);
  }
  const model = InteractionModel.fromFile(modelFile);
  const out = [];
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  rl.on("line", (line) => {
    if (!line.trim()) {
      return;
    }
    let say = null;
    try {
      say = String(JSON.parse(line).say);
      out.push(JSON.stringify(hear(model, say)));
    } catch (err) {
      const error = String(err && err.message ? err.message : err);
      out.push(JSON.stringify({ say, intent: null, slots: {}, error }));
    }
    if (out.length >= 256) {
      process.stdout.write(out.join("\n") + "\n");
      out.length = 0;
    }
  });
  rl.on("close", () => {
    if (out.length) {
      process.stdout.write(out.join("\n") + "\n");
    }
  });
}

main();
