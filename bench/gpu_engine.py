"""The diffusion engine's throughput on a GPU: images per second by batch size.

Full-size SD-Turbo-like (Stable Diffusion 2.1 architecture, 512x512) and SDXL-like (SDXL
base architecture, 1024x1024) pipelines are built from their published configurations with
random weights: the same compute as the real models, and nothing downloaded. For each, at
batch 1, 4 and 8, with and without ``torch.compile`` on the UNet, it prints images per second
and the ratio of one batched call against the same images rendered one at a time.

    python bench/gpu_engine.py                 # on a CUDA machine (needs looksmith[diffusers])
    python bench/gpu_engine.py --smoke         # tiny sizes on the CPU: proves the script runs

Not part of ``make bench``: it needs the extra and, for real figures, a GPU.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Published configurations (Hugging Face: stabilityai/sd-turbo, stabilityai/sdxl-turbo).
SD_TURBO_UNET: dict[str, Any] = {
    "sample_size": 64,
    "in_channels": 4,
    "out_channels": 4,
    "block_out_channels": [320, 640, 1280, 1280],
    "down_block_types": [
        "CrossAttnDownBlock2D",
        "CrossAttnDownBlock2D",
        "CrossAttnDownBlock2D",
        "DownBlock2D",
    ],
    "up_block_types": [
        "UpBlock2D",
        "CrossAttnUpBlock2D",
        "CrossAttnUpBlock2D",
        "CrossAttnUpBlock2D",
    ],
    "layers_per_block": 2,
    "cross_attention_dim": 1024,
    "attention_head_dim": [5, 10, 20, 20],
    "use_linear_projection": True,
    "norm_num_groups": 32,
}
SD_TURBO_TEXT: dict[str, Any] = {  # OpenCLIP ViT-H/14 text tower
    "hidden_size": 1024,
    "intermediate_size": 4096,
    "num_attention_heads": 16,
    "num_hidden_layers": 23,
    "hidden_act": "gelu",
    "projection_dim": 512,
    "max_position_embeddings": 77,
}
SDXL_UNET: dict[str, Any] = {
    "sample_size": 128,
    "in_channels": 4,
    "out_channels": 4,
    "block_out_channels": [320, 640, 1280],
    "down_block_types": ["DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"],
    "up_block_types": ["CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"],
    "layers_per_block": 2,
    "transformer_layers_per_block": [1, 2, 10],
    "cross_attention_dim": 2048,
    "attention_head_dim": [5, 10, 20],
    "use_linear_projection": True,
    "addition_embed_type": "text_time",
    "addition_time_embed_dim": 256,
    "projection_class_embeddings_input_dim": 2816,
    "norm_num_groups": 32,
}
SDXL_TEXT: dict[str, Any] = {  # CLIP ViT-L/14 text tower
    "hidden_size": 768,
    "intermediate_size": 3072,
    "num_attention_heads": 12,
    "num_hidden_layers": 12,
    "hidden_act": "quick_gelu",
    "projection_dim": 768,
    "max_position_embeddings": 77,
}
SDXL_TEXT_2: dict[str, Any] = {  # OpenCLIP ViT-bigG/14 text tower
    "hidden_size": 1280,
    "intermediate_size": 5120,
    "num_attention_heads": 20,
    "num_hidden_layers": 32,
    "hidden_act": "gelu",
    "projection_dim": 1280,
    "max_position_embeddings": 77,
}
VAE: dict[str, Any] = {
    "in_channels": 3,
    "out_channels": 3,
    "latent_channels": 4,
    "block_out_channels": [128, 256, 512, 512],
    "down_block_types": ["DownEncoderBlock2D"] * 4,
    "up_block_types": ["UpDecoderBlock2D"] * 4,
    "layers_per_block": 2,
    "norm_num_groups": 32,
}


@dataclass(frozen=True)
class Model:
    """One architecture to measure."""

    name: str
    side: int
    unet: dict[str, Any]
    text: dict[str, Any]
    text_2: dict[str, Any] | None
    vae: dict[str, Any]


def full_models() -> list[Model]:
    sdxl_vae = {**VAE, "scaling_factor": 0.13025, "sample_size": 1024}
    return [
        Model("SD-Turbo-like (SD 2.1 UNet)", 512, SD_TURBO_UNET, SD_TURBO_TEXT, None, VAE),
        Model("SDXL-like (SDXL base UNet)", 1024, SDXL_UNET, SDXL_TEXT, SDXL_TEXT_2, sdxl_vae),
    ]


def smoke_models() -> list[Model]:
    """The same layouts shrunk to run in seconds on a CPU."""
    small_text = {
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_attention_heads": 2,
        "num_hidden_layers": 2,
        "hidden_act": "gelu",
        "projection_dim": 32,
        "max_position_embeddings": 77,
    }
    small_vae = {**VAE, "block_out_channels": [8, 16], "norm_num_groups": 4, "layers_per_block": 1}
    small_vae["down_block_types"] = ["DownEncoderBlock2D"] * 2
    small_vae["up_block_types"] = ["UpDecoderBlock2D"] * 2
    sd = {
        **SD_TURBO_UNET,
        "sample_size": 16,
        "block_out_channels": [8, 16, 16, 16],
        "layers_per_block": 1,
        "cross_attention_dim": 32,
        "attention_head_dim": [2, 2, 2, 2],
        "norm_num_groups": 4,
    }
    xl = {
        **SDXL_UNET,
        "sample_size": 32,
        "block_out_channels": [8, 16, 16],
        "layers_per_block": 1,
        "transformer_layers_per_block": [1, 1, 2],
        "cross_attention_dim": 64,
        "attention_head_dim": [2, 2, 2],
        "addition_time_embed_dim": 8,
        "projection_class_embeddings_input_dim": 32 + 6 * 8,
        "norm_num_groups": 4,
    }
    return [
        Model("SD-Turbo-like (smoke)", 32, sd, small_text, None, small_vae),
        Model("SDXL-like (smoke)", 64, xl, small_text, small_text, small_vae),
    ]


def write_tokenizer(folder: Path) -> tuple[Path, Path, int]:
    """A byte-level CLIP vocabulary, no merges (speed of the text tower does not depend on it)."""
    printable = [*range(33, 127), *range(161, 173), *range(174, 256)]
    codes, extra = printable[:], 0
    for byte in range(256):
        if byte not in printable:
            codes.append(256 + extra)
            extra += 1
    symbols = [chr(code) for code in codes]
    vocab: dict[str, int] = {}
    for token in ["<|startoftext|>", "<|endoftext|>", *symbols, *(s + "</w>" for s in symbols)]:
        vocab.setdefault(token, len(vocab))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.json").write_text(json.dumps(vocab))
    (folder / "merges.txt").write_text("#version: 0.2\n")
    return folder / "vocab.json", folder / "merges.txt", len(vocab)


def build(model: Model, device: str, dtype: Any) -> Any:
    """A pipeline of random weights with ``model``'s architecture."""
    import torch
    from diffusers import (
        AutoencoderKL,
        EulerAncestralDiscreteScheduler,
        StableDiffusionPipeline,
        StableDiffusionXLPipeline,
        UNet2DConditionModel,
    )
    from transformers import (
        CLIPTextConfig,
        CLIPTextModel,
        CLIPTextModelWithProjection,
        CLIPTokenizer,
    )

    torch.manual_seed(0)
    vocab, merges, size = write_tokenizer(Path(tempfile.mkdtemp()) / "tokenizer")
    tokenizer = CLIPTokenizer(str(vocab), str(merges), model_max_length=77)
    common = {"vocab_size": size, "bos_token_id": 0, "eos_token_id": 1, "pad_token_id": 1}
    unet = UNet2DConditionModel(**model.unet)
    vae = AutoencoderKL(**model.vae)
    scheduler = EulerAncestralDiscreteScheduler(
        beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", steps_offset=1
    )
    if model.text_2 is None:
        pipe: Any = StableDiffusionPipeline(
            vae=vae,
            text_encoder=CLIPTextModel(CLIPTextConfig(**model.text, **common)),
            tokenizer=tokenizer,
            unet=unet,
            scheduler=scheduler,
            safety_checker=None,
            feature_extractor=None,
            requires_safety_checker=False,
        )
    else:
        pipe = StableDiffusionXLPipeline(
            vae=vae,
            text_encoder=CLIPTextModel(CLIPTextConfig(**model.text, **common)),
            text_encoder_2=CLIPTextModelWithProjection(CLIPTextConfig(**model.text_2, **common)),
            tokenizer=tokenizer,
            tokenizer_2=tokenizer,
            unet=unet,
            scheduler=scheduler,
        )
    pipe.set_progress_bar_config(disable=True)
    return pipe.to(device, dtype)


def images_per_second(pipe: Any, model: Model, batch: int, steps: int, repeats: int) -> float:
    """Images per second rendering ``batch`` images per call (after one warm-up call)."""
    import torch

    def once() -> None:
        pipe(
            prompt=["portrait photograph of a person"] * batch,
            width=model.side,
            height=model.side,
            num_inference_steps=steps,
            guidance_scale=0.0,
            output_type="np",
        )

    once()
    sync = torch.cuda.synchronize if torch.cuda.is_available() else (lambda: None)
    sync()
    started = time.perf_counter()
    for _ in range(repeats):
        once()
    sync()
    return batch * repeats / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny models on the CPU")
    parser.add_argument("--steps", type=int, default=4, help="denoising steps (Turbo: 1 to 4)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batches", default="1,4,8")
    parser.add_argument("--no-compile", action="store_true", help="skip the torch.compile runs")
    args = parser.parse_args()

    import torch

    device = "cuda" if torch.cuda.is_available() and not args.smoke else "cpu"
    dtype = torch.float16 if device == "cuda" else torch.float32
    name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
    print(f"device: {device} ({name}), torch {torch.__version__}, dtype {dtype}")
    batches = [int(b) for b in args.batches.split(",")]
    compile_modes = [False] if args.no_compile else [False, True]
    for model in smoke_models() if args.smoke else full_models():
        for compiled in compile_modes:
            pipe = build(model, device, dtype)
            if compiled:
                pipe.unet = torch.compile(pipe.unet)
            label = f"{model.name} {model.side}x{model.side}, {args.steps} steps"
            label += ", torch.compile" if compiled else ""
            rates = {
                b: images_per_second(pipe, model, b, args.steps, args.repeats) for b in batches
            }
            print(label)
            for batch, rate in rates.items():
                ratio = rate / rates[batches[0]]
                print(
                    f"  batch {batch}: {rate:8.2f} images/s, batched vs one at a time: {ratio:.2f}x"
                )
            del pipe
            if device == "cuda":
                torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
