"""Telling audio and video from their first bytes, and the motion type names clients send."""

from __future__ import annotations

import pytest

from looksmith.domain.media import AssetType, asset_type, sniff_audio_video
from looksmith.domain.motion import MotionType, motion_type_named
from tests.support.media import clip_bytes, mp3_bytes, wav_bytes
from tests.support.photos import astronaut_jpeg, encode

HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"


def test_real_files_are_recognised_by_their_bytes():
    assert sniff_audio_video(mp3_bytes()) == "audio/mpeg"
    assert sniff_audio_video(mp3_bytes(id3=False)) == "audio/mpeg"
    assert sniff_audio_video(wav_bytes()) == "audio/wav"
    assert sniff_audio_video(clip_bytes("mp4")) == "video/mp4"
    assert sniff_audio_video(clip_bytes("webm")) == "video/webm"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\xff\xd8\xff\xe0", id="jpeg"),
        pytest.param(b"RIFF\x10\x00\x00\x00WEBPVP8 ", id="webp"),
        pytest.param(b"\xff\xf1\x50\x80\x00\x1f\xfc", id="adts-aac"),
        pytest.param(b"\xff\xfb\xf0\x00", id="mpeg-bad-bitrate"),
        pytest.param(b"\xff\xfb\x9c\x00", id="mpeg-bad-sample-rate"),
        pytest.param(HEIC, id="heic"),
        pytest.param(b"hello world, not media", id="text"),
    ],
)
def test_other_bytes_are_neither_audio_nor_video(data: bytes):
    assert sniff_audio_video(data) is None


def test_images_are_not_mistaken_for_audio_or_video():
    from PIL import Image

    assert sniff_audio_video(astronaut_jpeg()) is None
    assert sniff_audio_video(encode(Image.new("RGB", (8, 8)), "PNG")) is None
    assert sniff_audio_video(encode(Image.new("RGB", (8, 8)), "WEBP")) is None


def test_asset_types_come_from_the_stored_media_type():
    assert asset_type("audio/mpeg") is AssetType.AUDIO
    assert asset_type("video/webm") is AssetType.VIDEO
    assert asset_type("image/png") is AssetType.IMAGE
    assert [kind.with_article for kind in AssetType] == ["an image", "a video", "an audio"]


@pytest.mark.parametrize(
    ("name", "character"),
    [
        ("runway_gen3", MotionType.CONSISTENT_GEN_3),
        ("runway_gen4", MotionType.CONSISTENT),
        ("veo3", MotionType.VEO2),
        ("veo3.1", MotionType.VEO2),
        ("hailuo_1", MotionType.HAILUO_2),
        ("seedance", MotionType.SEEDANCE_LITE),
        ("kling", MotionType.KLING),
        ("expressive", MotionType.EXPRESSIVE),
    ],
)
def test_every_motion_type_name_moves_like_one_engine_character(name: str, character: MotionType):
    assert motion_type_named(name) is character


def test_avatar_iv_is_refused_with_heygens_message_and_unknown_names_list_the_choices():
    with pytest.raises(ValueError, match=r"^can't create motion for this type 'avatar_iv'$"):
        motion_type_named("avatar_iv")
    with pytest.raises(ValueError, match=r"^must be one of: expressive, consistent, "):
        motion_type_named("Runway_Gen4")  # names are exact, as HeyGen's enums are
