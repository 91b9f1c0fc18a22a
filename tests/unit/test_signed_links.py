"""The one signing rule images and motion media share: lifetimes and checks of raw parameters."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from looksmith.clock import ManualClock
from looksmith.services.signed_links import SignedLinks
from looksmith.storage.signing import HmacUrlSigner


def _links() -> tuple[SignedLinks, ManualClock]:
    clock = ManualClock(start=1_000.5)
    signer = HmacUrlSigner(secret=b"s" * 32, base_url="http://127.0.0.1:1")
    return SignedLinks(signer=signer, clock=clock, ttl_seconds=60), clock


def _params(url: str) -> tuple[str, str]:
    query = parse_qs(urlsplit(url).query)
    return query["Expires"][0], query["Signature"][0]


def test_a_link_lives_for_the_lifetime_and_is_checked_against_its_key():
    links, clock = _links()
    assert links.expiry() == 1_060
    expires, signature = _params(links.sign("images/a"))
    assert expires == "1060"
    assert links.verify("images/a", expires, signature)
    assert not links.verify("images/b", expires, signature)
    clock.advance(60)
    assert not links.verify("images/a", expires, signature)  # expired


def test_malformed_parameters_are_refused_before_any_arithmetic():
    links, _ = _links()
    expires, signature = _params(links.sign("k", expires_at=2_000))
    assert links.verify("k", expires, signature)
    for bad in (None, "", "-2000", "2e3", "\uff12\uff10\uff10\uff10", "0" * 9 + "2000", " 2000"):
        assert not links.verify("k", bad, signature), bad
    assert not links.verify("k", expires, None) and not links.verify("k", expires, "")


class _ObjectStoreSigner:
    """Signs links in the same form but, like S3's, cannot check them."""

    def sign(self, key: str, *, expires_at: int) -> str:
        return HmacUrlSigner(secret=b"s" * 32, base_url="http://127.0.0.1:1").sign(
            key, expires_at=expires_at
        )


def test_a_signer_that_checks_nothing_makes_every_link_refused():
    links = SignedLinks(signer=_ObjectStoreSigner(), clock=ManualClock(start=1_000), ttl_seconds=60)
    expires, signature = _params(links.sign("images/a"))
    assert _links()[0].verify("images/a", expires, signature)  # the same link, checkable
    assert not links.verify("images/a", expires, signature)
