"""Screens (APL) for devices that declare Alexa.Presentation.APL.

`view` computes what a screen shows from the conversation's outcome (pure); `apl` turns a
view into a document and its datasource; `touch` reads a UserEvent's arguments back into
the conversation's events. Nothing here is imported for a device without a screen: the
adapter loads it lazily, so the cold path stays as it was.
"""
