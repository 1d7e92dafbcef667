"""The developer console behind `hipcoach chat`: phrases in, real Alexa envelopes out.

Modules, one job each: `matcher` (phrase -> intent and slots, from the interaction
model), `envelopes` (request envelopes and session bookkeeping), `transport`
(in-process or HTTP), `directives` (a local directive API for progressive
responses), `render` (SSML -> text and paced silences), `speech` (espeak-ng),
`session` (the loop).
"""
