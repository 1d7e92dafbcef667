"""Hip Coach: a voice coach for hip and pelvis massage (Alexa skill backend)."""

__version__ = "0.1.0"
