"""The procedural motion engine: looping motion, ambient sound, upscaling, video encoding."""

from __future__ import annotations

import itertools
from dataclasses import replace
from functools import cache

import cv2
import numpy as np
import pytest
from skimage.metrics import structural_similarity

from looksmith.domain.motion import MotionType
from looksmith.domain.specs import FaceBox
from looksmith.engines.procedural.ambience import Ambience, ambience_for, synthesise
from looksmith.engines.procedural.motion import FPS, FRAMES, animate_frames, style_for
from looksmith.engines.procedural.motion_engine import ProceduralMotionEngine, preview_still
from looksmith.engines.procedural.upscale import upscale_frame
from looksmith.engines.procedural.video import AUDIO_RATE, decode_audio, decode_frames
from looksmith.faces.detector import HaarFaceDetector
from tests.support.photos import astronaut_jpeg


@cache
def still_and_face() -> tuple[np.ndarray, FaceBox]:
    """The astronaut at preview size (512 x 512, as uploaded) and the face the detector finds."""
    still, scale = preview_still(astronaut_jpeg())
    face = HaarFaceDetector().find_face(astronaut_jpeg())
    assert face is not None and scale == 1.0
    return still, face


@cache
def frames_of(motion_type: MotionType, seed: int = 7, blinks: bool = True) -> list[np.ndarray]:
    still, face = still_and_face()
    style = style_for(motion_type, None)
    if not blinks:
        style = replace(style, blinks=0)
    return animate_frames(still, face, style, seed=seed)


def mean_abs(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.float32) - b.astype(np.float32)).mean())


@pytest.mark.parametrize("motion_type", list(MotionType))
def test_frames_move_but_stay_close_to_the_still(motion_type: MotionType):
    still, _ = still_and_face()
    frames = frames_of(motion_type)
    assert len(frames) == FRAMES == 4 * FPS
    assert mean_abs(frames[0], still) == 0  # the loop starts on the still itself
    steps = [mean_abs(a, b) for a, b in itertools.pairwise(frames)]
    assert min(steps) > 0.05, "some frame repeats its predecessor: the motion stalls"
    assert max(mean_abs(frame, still) for frame in frames) > 2.0, "barely moves"
    # The person neither drifts off nor deforms: every frame stays structurally the still.
    worst = min(structural_similarity(still, f, channel_axis=2) for f in frames[::8])
    assert worst > (0.8 if motion_type is MotionType.CONSISTENT else 0.6), worst


@pytest.mark.parametrize("motion_type", list(MotionType))
def test_the_loop_is_seamless(motion_type: MotionType):
    frames = frames_of(motion_type)
    steps = [mean_abs(a, b) for a, b in itertools.pairwise(frames)]
    # Going from the last frame back to the first is no bigger a step than any within the clip.
    assert mean_abs(frames[-1], frames[0]) <= max(steps) * 1.05


def test_the_head_moves_a_little_and_comes_back():
    still, face = still_and_face()
    crop = still[face.y : face.y + face.height, face.x : face.x + face.width]
    shifts = []
    for frame in frames_of(MotionType.CONSISTENT, blinks=False):
        moved = frame[face.y : face.y + face.height, face.x : face.x + face.width]
        (dx, dy), _ = cv2.phaseCorrelate(
            cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY).astype(np.float64),
            cv2.cvtColor(moved, cv2.COLOR_RGB2GRAY).astype(np.float64),
        )
        shifts.append(float(np.hypot(dx, dy)))
    assert max(shifts) > 1.0  # a visible head movement
    assert max(shifts) < 0.15 * face.width  # but a slight one


def test_blinks_close_the_eyes_only_for_a_few_frames():
    _, face = still_and_face()
    with_blinks = frames_of(MotionType.CONSISTENT)
    without = frames_of(MotionType.CONSISTENT, blinks=False)
    changed = [
        i for i, (a, b) in enumerate(zip(with_blinks, without, strict=True)) if (a != b).any()
    ]
    assert 3 <= len(changed) <= 6  # one blink, about a quarter of a second
    frame = changed[len(changed) // 2]
    diff = np.abs(with_blinks[frame].astype(int) - without[frame].astype(int)).sum(axis=2)
    ys, xs = np.nonzero(diff > 10)
    # Only the eyes change: the upper half of the face box, nowhere else.
    assert face.x <= xs.min() and xs.max() <= face.x + face.width
    assert face.y <= ys.min() and ys.max() <= face.y + face.height * 0.6


def test_motion_types_and_prompts_change_the_character():
    still, face = still_and_face()

    def amount(frames: list[np.ndarray]) -> float:
        return float(np.mean([mean_abs(frame, still) for frame in frames]))

    consistent = amount(frames_of(MotionType.CONSISTENT))
    assert amount(frames_of(MotionType.EXPRESSIVE)) > 1.3 * consistent
    calm = animate_frames(still, face, style_for(MotionType.CONSISTENT, "calm and subtle"), seed=7)
    assert amount(calm) < consistent


def test_the_same_request_gives_the_same_frames_and_another_seed_others():
    still, face = still_and_face()
    style = style_for(MotionType.KLING, None)
    again = animate_frames(still, face, style, seed=7)
    assert all((a == b).all() for a, b in zip(again, frames_of(MotionType.KLING), strict=True))
    other = animate_frames(still, face, style, seed=8)
    assert any((a != b).any() for a, b in zip(other, again, strict=True))


def test_a_look_without_a_known_face_still_moves():
    still, _ = still_and_face()
    frames = animate_frames(still, None, style_for(MotionType.CONSISTENT, None), seed=1)
    assert max(mean_abs(frame, still) for frame in frames) > 1.0


def test_animate_encodes_an_h264_clip_and_a_webp_still():
    engine = ProceduralMotionEngine()
    _, face = still_and_face()
    clip = engine.animate(
        astronaut_jpeg(), face=face, motion_type=MotionType.CONSISTENT, prompt=None, seed=3
    )
    assert (clip.width, clip.height, clip.frames, clip.duration) == (512, 512, FRAMES, 4.0)
    assert clip.still[:4] == b"RIFF" and clip.still[8:12] == b"WEBP"
    frames, rate = decode_frames(clip.video)
    assert (len(frames), rate, frames[0].shape) == (FRAMES, FPS, (512, 512, 3))
    # Lossy, but faithful: the decoded first frame is the still, give or take the codec.
    still, _ = still_and_face()
    assert mean_abs(frames[0], still) < 4.0


@pytest.mark.parametrize(
    ("scene", "kind"),
    [
        ("walking on a sunny beach", Ambience.WAVES),
        ("Navy suit in a busy office", Ambience.MURMUR),
        ("city street at night", Ambience.MURMUR),
        ("autumn forest", Ambience.WIND),
        ("studio portrait", Ambience.ROOM_TONE),
        ("", Ambience.ROOM_TONE),
    ],
)
def test_the_ambience_fits_the_scene(scene: str, kind: Ambience):
    assert ambience_for(scene) is kind


def test_ambient_tracks_differ_in_character_and_loop():
    tracks = {kind: synthesise(kind, seconds=4.0, rate=AUDIO_RATE, seed=5) for kind in Ambience}
    for track in tracks.values():
        assert track.shape == (4 * AUDIO_RATE,) and np.abs(track).max() <= 1.0
        # The jump from the end back to the start is no bigger than the track's own steps.
        steps = np.abs(np.diff(track))
        assert abs(float(track[0] - track[-1])) <= np.percentile(steps, 99.9)

    def rms(track: np.ndarray) -> float:
        return float(np.sqrt(np.mean(track**2)))

    def low_share(track: np.ndarray) -> float:
        power = np.abs(np.fft.rfft(track)) ** 2
        freqs = np.fft.rfftfreq(len(track), 1 / AUDIO_RATE)
        return float(power[freqs < 500].sum() / power.sum())

    assert rms(tracks[Ambience.ROOM_TONE]) < 0.5 * rms(tracks[Ambience.WAVES])
    assert low_share(tracks[Ambience.WAVES]) > low_share(tracks[Ambience.WIND])

    # Surf swells: its loudness over quarter-second windows varies far more than room tone's.
    def swing(track: np.ndarray) -> float:
        windows = track[: len(track) // 11025 * 11025].reshape(-1, 11025)
        levels = np.sqrt((windows**2).mean(axis=1))
        return float(levels.max() / levels.min())

    assert swing(tracks[Ambience.WAVES]) > 2 * swing(tracks[Ambience.ROOM_TONE])


def test_sound_is_laid_under_the_clip_without_touching_the_video():
    engine = ProceduralMotionEngine()
    clip = engine.animate(
        astronaut_jpeg(), face=None, motion_type=MotionType.VEO2, prompt=None, seed=3
    )
    sound = engine.ambience(scene="beach", seconds=clip.duration, seed=9)
    assert sound.content_type == "audio/mp4"
    samples, rate = decode_audio(sound.data)
    assert rate == AUDIO_RATE and abs(len(samples) / rate - 4.0) < 0.1
    mixed = engine.add_sound(clip.video, sound)
    samples, _ = decode_audio(mixed)
    assert abs(len(samples) / rate - clip.duration) < 0.1 and np.abs(samples).max() > 0.05
    before, _ = decode_frames(clip.video)
    after, _ = decode_frames(mixed)
    assert len(after) == len(before) and all(
        (a == b).all() for a, b in zip(before, after, strict=True)
    )


def test_upscale_doubles_the_size_and_sharpens_without_halos():
    still, _ = still_and_face()
    big = upscale_frame(still, 2)
    assert big.shape == (1024, 1024, 3)
    # Faithful: shrunk back, it is the original.
    assert mean_abs(cv2.resize(big, (512, 512), interpolation=cv2.INTER_AREA), still) < 3.0
    plain = cv2.resize(still, (1024, 1024), interpolation=cv2.INTER_LANCZOS4)

    def sharpness(image: np.ndarray) -> float:
        return float(cv2.Laplacian(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), cv2.CV_64F).var())

    assert sharpness(big) > 1.1 * sharpness(plain)
    # No halos: no pixel leaves the range of its neighbourhood in the plain resampling.
    kernel = np.ones((3, 3), np.uint8)
    assert (big >= cv2.erode(plain, kernel)).all() and (big <= cv2.dilate(plain, kernel)).all()


def test_upscale_of_a_clip_keeps_every_frame():
    engine = ProceduralMotionEngine()
    clip = engine.animate(
        astronaut_jpeg(), face=None, motion_type=MotionType.CONSISTENT, prompt=None, seed=3
    )
    bigger = engine.upscale(clip.video, factor=2)
    assert (bigger.width, bigger.height, bigger.frames) == (1024, 1024, clip.frames)
    frames, _ = decode_frames(bigger.video)
    assert len(frames) == clip.frames and frames[0].shape == (1024, 1024, 3)
