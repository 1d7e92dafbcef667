"""Streaming-mode audio: speech sources, cue sounds, track rendering and storage.

Imported only by the AudioPlayer path, the local server and the CLI: it needs
pydub and ffmpeg (and boto3 for Polly or S3, imported lazily), which the
dialog-mode Lambda path never loads. Submodules are imported explicitly
(``from skill.audio.render import TrackRenderer``) so this package stays light.
"""
