"""The conversation as one pure state machine: `step(state, convo, event, device, world)`.

No SDK, no I/O: the handlers (skill.handlers) turn a request into an event and a
device, call `step`, and turn the returned plan into a response. Every device rule
(stop our audio before speaking over it, no speech on AudioPlayer requests, a
question and a reprompt on every open session) is applied here once, in
`machine.settle`, and checked over every reachable state by tests/test_crawler.py.
"""

from skill.conversation.machine import redeliver, step, without_track

__all__ = ["redeliver", "step", "without_track"]
