from repvoice.redact import MASK, redact, redact_url


def test_url_userinfo_hidden() -> None:
    out = redact("fallback at https://bob:hunter2@llm.example.com/v1 failed")
    assert "hunter2" not in out and "bob" not in out
    assert f"https://{MASK}@llm.example.com/v1" in out


def test_query_and_header_secrets_hidden() -> None:
    out = redact("GET /v1?api_key=abc123def&x=1 Authorization: Bearer tok_ABCDEFGH12345")
    assert "abc123def" not in out and "tok_ABCDEFGH12345" not in out
    assert "x=1" in out


def test_provider_key_shapes_hidden() -> None:
    keys = [
        "sk-proj-AbCdEf0123456789xyz",
        "AIzaSyA1234567890abcdefghijklmnop",
        "AKIAABCDEFGHIJKLMNOP",
        "fw_3ZabcdefGHIJKL12",
        "hf_abcdefghijklmnopqrstuvwx",
    ]
    for key in keys:
        assert key not in redact(f"error: invalid key {key}."), key


def test_ordinary_text_and_ids_kept() -> None:
    text = "exercise 0379744e-d66b-5830-a327-8f0777c83c1e sha256 " + "ab12" * 16 + " weight=225"
    assert redact(text) == text


def test_redact_url_keeps_host_and_path_only() -> None:
    assert (
        redact_url("https://u:p@h.example:8443/v1/chat?key=s#f") == "https://h.example:8443/v1/chat"
    )
    assert redact_url("not a url sk-abcdefghijklmnop") == f"not a url {MASK}"
