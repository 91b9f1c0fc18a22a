"""Standard Webhooks signatures against the spec's algorithm written out here; URL safety."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from looksmith.domain.webhooks import derive_callback_secret, new_endpoint_secret
from looksmith.webhooks.sender import AddressGuard, sign, signature_headers
from tests.support.webhooks import spec_signature


def test_signature_follows_the_spec():
    secret = new_endpoint_secret()
    body = b'{"event_type": "photo_avatar_generation.success", "event_data": {"x": "\\u00e9"}}'
    assert sign(secret, "msg_1", 1_700_000_000, body) == spec_signature(
        secret, "msg_1", 1_700_000_000, body
    )


def test_spec_example_vector():
    # The example from the Standard Webhooks specification's README.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == expected


def test_headers_carry_id_timestamp_and_signature():
    secret = new_endpoint_secret()
    headers = signature_headers(secret, "abc", 42, b"{}")
    assert headers["webhook-id"] == "abc"
    assert headers["webhook-timestamp"] == "42"
    assert headers["webhook-signature"] == spec_signature(secret, "abc", 42, b"{}")
    assert headers["content-type"] == "application/json"


def test_endpoint_secrets_are_24_random_bytes():
    first, second = new_endpoint_secret(), new_endpoint_secret()
    assert first.startswith("whsec_") and first != second
    assert len(base64.b64decode(first.removeprefix("whsec_"))) == 24


def test_callback_secret_is_stable_per_tenant_and_install():
    install = b"k" * 32
    mine = derive_callback_secret(install, "tenant-a")
    assert mine == derive_callback_secret(install, "tenant-a")
    assert mine != derive_callback_secret(install, "tenant-b")
    assert mine != derive_callback_secret(b"j" * 32, "tenant-a")
    expected = hmac.new(install, b"callback:tenant-a", hashlib.sha256).digest()
    assert mine == "whsec_" + base64.b64encode(expected).decode()


def fake_resolver(table: dict[str, list[str]]):
    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError("no such host")
        return table[host]

    return resolve


GUARD = AddressGuard(
    resolver=fake_resolver(
        {
            "hooks.example.com": ["93.184.216.34"],
            "sneaky.example.com": ["93.184.216.34", "10.0.0.5"],
        }
    )
)


@pytest.mark.parametrize(
    "url",
    [
        "https://8.8.8.8/hook",
        "http://93.184.216.34:8080/x",
        "https://[2606:4700:4700::1111]/hook",
        "https://hooks.example.com/receive",
    ],
)
def test_public_addresses_are_allowed(url: str):
    assert GUARD.refusal(url) is None


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:9000/hook", "loopback"),
        ("http://10.1.2.3/hook", "private"),
        ("http://192.168.0.10/hook", "private"),
        ("http://172.16.5.5/hook", "private"),
        ("http://169.254.169.254/latest/meta-data", "link-local"),
        ("http://[::1]/hook", "loopback"),
        ("http://[fd00::1]/hook", "private"),
        ("http://[fe80::1]/hook", "link-local"),
        ("http://[::ffff:127.0.0.1]/hook", "loopback"),
        ("http://0.0.0.0/hook", "unspecified"),
        ("http://224.0.0.1/hook", "multicast"),
        ("http://localhost:8000/hook", "loopback"),
        ("http://sneaky.example.com/hook", "private"),
        ("http://nowhere.example.com/hook", "does not resolve"),
        ("ftp://8.8.8.8/file", "http or https"),
        ("file:///etc/passwd", "http or https"),
        ("https:///nohost", "must name a host"),
    ],
)
def test_unsafe_urls_are_refused(url: str, why: str):
    refusal = GUARD.refusal(url)
    assert refusal is not None
    assert why in refusal


def test_the_flag_allows_private_addresses_but_not_other_schemes():
    guard = AddressGuard(allow_private=True, resolver=fake_resolver({}))
    assert guard.refusal("http://127.0.0.1:9000/hook") is None
    assert guard.refusal("http://localhost/hook") is None
    assert guard.refusal("http://10.0.0.1/hook") is None
    assert guard.refusal("ftp://127.0.0.1/hook") is not None


def test_without_resolving_only_literals_and_localhost_are_judged():
    assert GUARD.refusal("http://nowhere.example.com/hook", resolve=False) is None
    assert GUARD.refusal("http://127.0.0.1/hook", resolve=False) is not None
