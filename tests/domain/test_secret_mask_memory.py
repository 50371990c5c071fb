"""A mask remembers the texts it masked (one cause repeats a reason hundreds of times),
and what it remembers never changes what it returns."""

from __future__ import annotations

from console.domain.secrets import MASKED_MEMORY, Credential, SecretMask

SECRET = "Sup3r-S3cret!pw"


def fresh(text: str, limit: int | None = None) -> str | None:
    mask = SecretMask([Credential(SECRET, "relay@acme.example")])
    return mask.text(text) if limit is None else mask.cut(text, limit)


def test_remembered_results_are_the_results() -> None:
    mask = SecretMask([Credential(SECRET, "relay@acme.example")])
    texts = [
        f"535 5.7.8 mail {n}: login relay@acme.example/{SECRET} refused" for n in range(50)
    ] + [f"cut in two at the end {n} {SECRET[:9]}" for n in range(50)]
    for _ in range(3):  # the second and third rounds come from memory
        for text in texts:
            assert mask.text(text) == fresh(text)
            assert mask.cut(text, len(text)) == fresh(text, len(text))
            assert SECRET not in (mask.text(text) or "")


def test_more_texts_than_it_remembers_are_still_masked() -> None:
    mask = SecretMask([Credential(SECRET)])
    for n in range(MASKED_MEMORY * 3):
        assert mask.text(f"{n} {SECRET}") == f"{n} ***"
