"""The rule that keeps Send now and the probe off the network on the sample: a database
with the sample's marker whose active servers still have fictitious hosts."""

from __future__ import annotations

from console.domain.sample_servers import fictitious_refusal, is_fictitious_host


def test_fictitious_hosts_are_the_reserved_names_that_exist_nowhere() -> None:
    for host in ("smtp-relay.brevo.example", "SMTP.Office365.EXAMPLE.", "mx.invalid"):
        assert is_fictitious_host(host), host
    for host in ("example.com", "smtp.example.net", "relay.example.org"):
        assert is_fictitious_host(host), host
    # .test and .localhost are reserved too, but a developer may point them at a local server
    for host in ("127.0.0.1", "localhost", "mail.test", "smtp.localhost", "smtp.example.fr"):
        assert not is_fictitious_host(host), host
    assert not is_fictitious_host("") and not is_fictitious_host(None)


def test_the_refusal_needs_the_marker_and_a_fictitious_server() -> None:
    hosts = ["smtp-relay.brevo.example", "127.0.0.1"]
    assert fictitious_refusal("Send now", False, hosts) is None  # not the sample
    assert fictitious_refusal("Send now", True, ["127.0.0.1", "smtp.test"]) is None  # repointed
    refusal = fictitious_refusal("Send now", True, hosts)
    assert refusal is not None and "\n" not in refusal
    assert "smtp-relay.brevo.example" in refusal and "127.0.0.1" not in refusal
    assert "nothing was sent and no mail was changed" in refusal and "--db" in refusal
    probe = fictitious_refusal("The SMTP probe", True, hosts)
    assert probe is not None and "nothing was contacted" in probe
