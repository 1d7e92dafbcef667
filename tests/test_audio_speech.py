"""Speech sources: espeak-ng for real, Polly through botocore's Stubber with real MP3 bytes,
recordings through a manifest, and the chain's cache and counters."""

from __future__ import annotations

import io
import json
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.response import StreamingBody
from botocore.stub import Stubber

from skill.audio.media import measure_ms
from skill.audio.speech import (
    EspeakSpeech,
    PollySpeech,
    RecordedClips,
    SpeechChain,
    SpeechError,
)
from tests.support.mp3 import duration_ms, mp3_bytes, write_mp3, write_wav


def _polly() -> tuple[object, Stubber]:
    client = boto3.client("polly", region_name="us-east-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
    return client, Stubber(client)


def _params(text: str, voice: str, engine: str) -> dict[str, str]:
    # sent as SSML at the coach's calm rate, like the skill's own speech
    return {"Text": f'<speak><prosody rate="90%"><s>{text}</s></prosody></speak>',
            "TextType": "ssml", "VoiceId": voice, "Engine": engine,
            "OutputFormat": "mp3", "SampleRate": "24000"}


def _audio(data: bytes, text: str) -> dict[str, object]:
    return {"AudioStream": StreamingBody(io.BytesIO(data), len(data)),
            "ContentType": "audio/mpeg", "RequestCharacters": len(text)}


def test_espeak_clip_is_measured(tmp_path: Path) -> None:
    short = EspeakSpeech().synthesize("Hold it here.", tmp_path)
    assert short is not None and short.path.suffix == ".wav"
    assert abs(short.duration_ms - duration_ms(short.path)) <= 1
    (tmp_path / "b").mkdir()
    long = EspeakSpeech().synthesize("Slowly shift your weight until you find a tender spot.",
                                     tmp_path / "b")
    assert long is not None and long.duration_ms > short.duration_ms + 1000


def test_espeak_speaks_a_line_that_starts_with_a_dash(tmp_path: Path) -> None:
    clip = EspeakSpeech().synthesize("-- and relax, -v is not an option here", tmp_path)
    assert clip is not None and clip.duration_ms > 1000


def test_espeak_missing_binary_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SpeechError, match="not installed"):
        EspeakSpeech(binary=str(tmp_path / "no-espeak")).synthesize("Hello.", tmp_path)


def test_chain_caches_by_text_and_voice(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    chain = SpeechChain(None, EspeakSpeech(), cache)
    first = chain.resolve("Breathe in slowly.")
    second = chain.resolve("Breathe in slowly.")
    assert first is not None and first == second
    assert chain.counts == {"synthesized": 1, "from_cache": 1}
    raw = EspeakSpeech().synthesize("Breathe in slowly.", tmp_path)
    assert raw is not None and first.duration_ms < raw.duration_ms  # trailing silence trimmed
    assert measure_ms(first.path) == first.duration_ms
    fresh = SpeechChain(None, EspeakSpeech(), cache)
    assert fresh.resolve("Breathe in slowly.") == first
    assert fresh.counts == {"from_cache": 1}
    other_voice = SpeechChain(None, EspeakSpeech(voice="en-gb"), cache)
    clip = other_voice.resolve("Breathe in slowly.")
    assert clip is not None and clip.path != first.path
    assert other_voice.counts == {"synthesized": 1}
    assert chain.resolve("   ") is None and chain.resolve("") is None


def _manifest(folder: Path, clips: object) -> Path:
    (folder / "clips").mkdir(parents=True, exist_ok=True)
    (folder / "clips" / "manifest.json").write_text(json.dumps({"format": 1, "clips": clips}))
    return folder


def test_recording_wins_under_any_of_its_line_ids(tmp_path: Path) -> None:
    source = _manifest(tmp_path / "audio", {
        "cue.breathe_in.2": {"file": "in.mp3", "text": "Breathe in deeply."},
        "cue.settle.0": "settle.wav"})
    write_mp3(source / "clips" / "in.mp3", 800)
    write_wav(source / "clips" / "settle.wav", 1500)
    chain = SpeechChain(RecordedClips(source), EspeakSpeech(), tmp_path / "cache")
    clip = chain.resolve("Breathe in  deeply.", ["cue.breathe_in.0", "cue.breathe_in.2"])
    assert clip is not None and clip.path.name == "in.mp3"
    assert abs(clip.duration_ms - 800) <= 30 and clip.fingerprint.startswith("rec:")
    settle = chain.resolve("Anything at all.", ["cue.settle.0"])  # short form: no text check
    assert settle is not None and settle.duration_ms == 1500
    assert chain.counts == {"from_recordings": 2}
    assert chain.resolve("Breathe in deeply.", ["cue.breathe_in.9"]) is not None
    assert chain.counts["synthesized"] == 1


def test_stale_or_missing_recordings_fall_back_to_synthesis(tmp_path: Path) -> None:
    source = _manifest(tmp_path / "audio", {
        "a": {"file": "a.wav", "text": "Old words."}, "b": "missing.wav"})
    write_wav(source / "clips" / "a.wav", 700)
    recordings = RecordedClips(source)
    assert recordings.get("a", "New words.") is None
    assert recordings.get("a", "Old words.") is not None
    assert recordings.get("b", "Whatever.") is None
    assert recordings.get("", "No id.") is None
    assert RecordedClips(tmp_path / "nowhere").get("a", "x") is None


@pytest.mark.parametrize("clips", [{"a": "../../etc/passwd"}, {"a": {"text": "no file"}}, []])
def test_bad_manifests_are_errors(tmp_path: Path, clips: object) -> None:
    source = _manifest(tmp_path / "audio", clips)
    with pytest.raises(SpeechError, match=r"manifest\.json"):
        RecordedClips(source).get("a", "x")


def test_manifest_that_is_not_json_is_an_error(tmp_path: Path) -> None:
    source = _manifest(tmp_path / "audio", {})
    (source / "clips" / "manifest.json").write_text("{not json")
    with pytest.raises(SpeechError, match="not valid JSON"):
        RecordedClips(source).get("a", "x")


def test_polly_request_and_clip_from_real_mp3(tmp_path: Path) -> None:
    client, stubber = _polly()
    text = "Breathe in slowly."
    stubber.add_response("synthesize_speech", _audio(mp3_bytes(700), text),
                         _params(text, "Joanna", "neural"))
    with stubber:
        clip = PollySpeech(client, "Joanna").synthesize(text, tmp_path)  # type: ignore[arg-type]
    stubber.assert_no_pending_responses()
    assert clip is not None and clip.path.read_bytes()[:3] in (b"ID3", b"\xff\xf3", b"\xff\xfb")
    assert abs(clip.duration_ms - 700) <= 30


def test_polly_falls_back_to_standard_once_and_remembers(tmp_path: Path) -> None:
    client, stubber = _polly()
    stubber.add_client_error("synthesize_speech", "EngineNotSupportedException",
                             "This engine is not compatible with the voice", 400,
                             expected_params=_params("One.", "Raveena", "neural"))
    stubber.add_response("synthesize_speech", _audio(mp3_bytes(500), "One."),
                         _params("One.", "Raveena", "standard"))
    stubber.add_response("synthesize_speech", _audio(mp3_bytes(600), "Two."),
                         _params("Two.", "Raveena", "standard"))
    polly = PollySpeech(client, "Raveena")  # type: ignore[arg-type]
    with stubber:
        one = polly.synthesize("One.", tmp_path)
        two = polly.synthesize("Two.", tmp_path)
    stubber.assert_no_pending_responses()
    assert one is not None and two is not None and abs(two.duration_ms - 600) <= 30


def test_polly_other_errors_are_raised(tmp_path: Path) -> None:
    client, stubber = _polly()
    stubber.add_client_error("synthesize_speech", "ThrottlingException", "slow down", 400)
    with stubber, pytest.raises(ClientError):
        PollySpeech(client, "Joanna").synthesize("Hi.", tmp_path)  # type: ignore[arg-type]


def test_polly_through_the_chain_is_called_once_per_line(tmp_path: Path) -> None:
    client, stubber = _polly()
    stubber.add_response("synthesize_speech", _audio(mp3_bytes(900), "Hold it here."),
                         _params("Hold it here.", "Joanna", "neural"))
    chain = SpeechChain(None, PollySpeech(client, "Joanna"),  # type: ignore[arg-type]
                        tmp_path / "cache")
    with stubber:
        first = chain.resolve("Hold it here.")
        again = chain.resolve("Hold it here.")  # a second Polly call would fail: none queued
    assert first is not None and first == again and first.path.suffix == ".wav"
    assert chain.counts == {"synthesized": 1, "from_cache": 1}
    assert '"kind": "polly"' in chain.describe() and '"engine": "neural"' in chain.describe()
