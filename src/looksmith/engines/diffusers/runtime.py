"""The torch side of the engine: load a diffusers pipeline once, render batches, train LoRAs.

Imported only inside the engine host process (``host.py``), never by the worker or the API.
"""

from __future__ import annotations

import gc
import io
import logging
import math
import random
from collections.abc import Callable, Sequence
from typing import Any

import diffusers
import safetensors.torch
import torch
from diffusers import AutoPipelineForText2Image
from peft import LoraConfig
from peft.utils import get_peft_model_state_dict
from PIL import Image

from looksmith.engines.diffusers.protocol import HostOptions, Photo

log = logging.getLogger(__name__)

ADAPTER = "identity"
LORA_TARGETS = ["to_k", "to_q", "to_v", "to_out.0"]

StepCallback = Callable[[int, int], None]


def _dtype(name: str) -> Any:
    return {"float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32}[name]


class Runtime:
    """One loaded pipeline on one device."""

    def __init__(self, options: HostOptions) -> None:
        self.options = options
        if options.cpu_threads:
            torch.set_num_threads(options.cpu_threads)
        self.device = torch.device(options.device)
        self.dtype = _dtype(options.dtype)
        pipe: Any = AutoPipelineForText2Image.from_pretrained(options.model, dtype=self.dtype)
        if options.scheduler:
            scheduler_class = getattr(diffusers, options.scheduler)
            pipe.scheduler = scheduler_class.from_config(pipe.scheduler.config)
        pipe.set_progress_bar_config(disable=True)
        self.pipe: Any = pipe.to(self.device)
        self.is_xl = hasattr(pipe, "text_encoder_2")
        vae_scale = int(getattr(pipe, "vae_scale_factor", 8))
        self.multiple = vae_scale * 8
        native = int(pipe.unet.config.sample_size) * vae_scale
        self.resolution = options.resolution or native

    def release_memory(self) -> None:
        """Give cached device memory back, e.g. after an out-of-memory error."""
        gc.collect()
        if self.device.type == "cuda":
            torch.cuda.empty_cache()

    @property
    def pipeline_name(self) -> str:
        return type(self.pipe).__name__

    def native_size(self, width: int, height: int) -> tuple[int, int]:
        """The size to render at: the model's native area, the picture's aspect ratio."""
        area = self.resolution * self.resolution
        aspect = width / height
        native_w = math.sqrt(area * aspect)
        native_h = native_w / aspect
        step = self.multiple
        return max(step, round(native_w / step) * step), max(step, round(native_h / step) * step)

    # Rendering

    def render(
        self,
        *,
        prompts: Sequence[str],
        negative_prompts: Sequence[str],
        width: int,
        height: int,
        seeds: Sequence[int],
        lora: bytes | None,
        on_step: StepCallback,
        steps: int | None = None,
    ) -> list[bytes]:
        """One JPEG per seed (with its prompts), rendered natively, resized to the picture."""
        try:
            if lora is not None:
                self._load_lora(lora)  # inside: a load that fails half-way is unloaded too
            images: list[Image.Image] = []
            size = self.options.batch_size
            for start in range(0, len(seeds), size):
                batch = seeds[start : start + size]
                chunk = slice(start, start + size)
                images += self._batch(
                    prompts[chunk], negative_prompts[chunk], width, height, batch, steps, on_step
                )
        finally:
            if lora is not None:
                self.pipe.unload_lora_weights()
        return [
            self._encode(image.convert("RGB").resize((width, height), Image.Resampling.LANCZOS))
            for image in images
        ]

    def _batch(
        self,
        prompts: Sequence[str],
        negative_prompts: Sequence[str],
        width: int,
        height: int,
        seeds: Sequence[int],
        steps: int | None,
        on_step: StepCallback,
    ) -> list[Image.Image]:
        native_w, native_h = self.native_size(width, height)
        steps = steps or self.options.steps
        generators = [torch.Generator(device="cpu").manual_seed(seed) for seed in seeds]

        def step_end(_pipe: Any, step: int, _timestep: Any, kwargs: dict[str, Any]) -> Any:
            on_step(step + 1, steps)
            return kwargs

        with torch.inference_mode():
            result = self.pipe(
                prompt=list(prompts),
                negative_prompt=list(negative_prompts),
                width=native_w,
                height=native_h,
                num_inference_steps=steps,
                guidance_scale=self.options.guidance,
                generator=generators,
                callback_on_step_end=step_end,
                output_type="pil",
            )
        return list(result.images)

    def _load_lora(self, lora: bytes) -> None:
        state = safetensors.torch.load(lora)
        self.pipe.load_lora_weights(state, adapter_name=ADAPTER)

    def _encode(self, image: Image.Image) -> bytes:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=self.options.jpeg_quality)
        return buffer.getvalue()

    # Training

    def train(
        self, *, photos: Sequence[Photo], prompt: str, token: str, seed: int, on_step: StepCallback
    ) -> bytes:
        """A LoRA on the UNet, DreamBooth-style, from face-centred crops; safetensors bytes."""
        torch.manual_seed(seed)
        rng = random.Random(seed)
        pipe = self.pipe
        unet = pipe.unet
        crops = [face_crop(photo, self.resolution) for photo in photos]
        pixels = torch.stack([_to_tensor(crop) for crop in crops]).to(self.device, self.dtype)
        with torch.no_grad():
            vae = pipe.vae
            latents_all = vae.encode(pixels.to(vae.dtype)).latent_dist.sample()
            latents_all = latents_all * vae.config.scaling_factor
            cond = self._encode_training_prompt(prompt)
        unet.requires_grad_(False)
        config = LoraConfig(
            r=self.options.lora_rank,
            lora_alpha=self.options.lora_rank,
            init_lora_weights="gaussian",
            target_modules=LORA_TARGETS,
        )
        unet.add_adapter(config, adapter_name=ADAPTER)
        try:
            params = [p for p in unet.parameters() if p.requires_grad]
            for param in params:
                param.data = param.data.float()
            optimizer = torch.optim.AdamW(params, lr=self.options.lora_learning_rate)
            # Training noises with the DDPM schedule the model was trained on, whatever sampler
            # the pipeline renders with.
            scheduler = diffusers.DDPMScheduler.from_config(pipe.scheduler.config)
            total = self.options.lora_steps
            unet.train()
            for step in range(total):
                index = rng.randrange(len(crops))
                latents = latents_all[index : index + 1]
                noise = torch.randn_like(latents)
                timesteps = torch.randint(
                    0, scheduler.config.num_train_timesteps, (1,), device=self.device
                )
                noisy = scheduler.add_noise(latents, noise, timesteps)
                with torch.autocast(
                    self.device.type, dtype=self.dtype, enabled=self.dtype != torch.float32
                ):
                    predicted = unet(noisy, timesteps, **cond).sample
                if scheduler.config.prediction_type == "v_prediction":
                    target = scheduler.get_velocity(latents, noise, timesteps)
                else:
                    target = noise
                loss = torch.nn.functional.mse_loss(predicted.float(), target.float())
                loss.backward()
                optimizer.step()
                optimizer.zero_grad(set_to_none=True)
                on_step(step + 1, total)
            unet.eval()
            state = get_peft_model_state_dict(unet, adapter_name=ADAPTER)
            state = diffusers.utils.convert_state_dict_to_diffusers(state)
            tensors = {
                f"unet.{key}": value.detach().to("cpu", torch.float32).contiguous()
                for key, value in state.items()
            }
        finally:
            unet.eval()  # rendering after a failed training must not run in training mode
            unet.delete_adapters(ADAPTER)
        metadata = {
            "format": "pt",
            "looksmith.token": token,
            "looksmith.prompt": prompt,
            "looksmith.rank": str(self.options.lora_rank),
            "looksmith.steps": str(self.options.lora_steps),
        }
        data: bytes = safetensors.torch.save(tensors, metadata=metadata)
        return data

    def _encode_training_prompt(self, prompt: str) -> dict[str, Any]:
        """The UNet's conditioning for the instance prompt."""
        pipe = self.pipe
        if not self.is_xl:
            embeds = pipe.encode_prompt(prompt, self.device, 1, False)[0]
            return {"encoder_hidden_states": embeds}
        embeds, _, pooled, _ = pipe.encode_prompt(
            prompt, device=self.device, do_classifier_free_guidance=False
        )
        side = self.resolution
        time_ids = torch.tensor(
            [[side, side, 0, 0, side, side]], device=self.device, dtype=embeds.dtype
        )
        return {
            "encoder_hidden_states": embeds,
            "added_cond_kwargs": {"text_embeds": pooled, "time_ids": time_ids},
        }


def face_crop(photo: Photo, side: int) -> Image.Image:
    """A square around the face, 2.5 face-heights wide, clamped to the photo, at ``side``."""
    image = Image.open(io.BytesIO(photo.data)).convert("RGB")
    x, y, w, h = photo.face
    centre_x, centre_y = x + w / 2, y + h / 2
    half = min(max(w, h) * 1.25, image.width / 2, image.height / 2)
    left = min(max(centre_x - half, 0), image.width - 2 * half)
    top = min(max(centre_y - half, 0), image.height - 2 * half)
    box = (round(left), round(top), round(left + 2 * half), round(top + 2 * half))
    return image.crop(box).resize((side, side), Image.Resampling.LANCZOS)


def _to_tensor(image: Image.Image) -> Any:
    array = torch.frombuffer(bytearray(image.tobytes()), dtype=torch.uint8)
    tensor = array.reshape(image.height, image.width, 3).permute(2, 0, 1).float()
    return tensor / 127.5 - 1.0
