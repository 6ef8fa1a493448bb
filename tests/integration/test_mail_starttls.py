"""The mail helper against a local SMTP server that demands STARTTLS and a login.

The server (aiosmtpd) has a self-signed certificate made for the test by the openssl command;
it refuses mail before a login and a login before TLS. The helper checks the certificate (the
test's certificate is trusted through FORECAST_SMTP_CA_FILE, never by turning checks off).
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

from forecast.infra.mail import MailFailed, MailSettings, mail_settings, send_mail
from tests.integration.receivers import free_port

USER, PASSWORD = "forecast", "relay secret"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@contextmanager
def tls_server(cert: Path, key: Path) -> Iterator[tuple[int, list[Message], list[str]]]:
    """Run an SMTP server demanding STARTTLS then a login; yield its port, the messages it
    accepted and the logins it granted."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    got: list[Message] = []
    logins: list[str] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            message = message_from_bytes(envelope.content)
            message["X-Rcpt-To"] = ",".join(envelope.rcpt_tos)
            message["X-Was-TLS"] = str(session.ssl is not None)
            got.append(message)
            return "250 OK"

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        ok = data.login == USER.encode() and data.password == PASSWORD.encode()
        if ok:
            logins.append(f"{mechanism} {data.login.decode()}")
        return AuthResult(success=ok, handled=False)

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    port = free_port()
    controller = Controller(
        Handler(),
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=True,
    )
    controller.start()
    try:
        yield port, got, logins
    finally:
        controller.stop()


def _settings(port: int, cert: Path) -> MailSettings:
    # Read from the configuration as the outbox job reads it: STARTTLS follows from the login.
    found = mail_settings(
        {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(port),
            "SMTP_FROM": "forecast@example.org",
            "SMTP_USER": USER,
            "SMTP_PASSWORD": PASSWORD,
            "SMTP_CA_FILE": str(cert),
        }
    )
    assert found is not None and found.starttls and found.ca_file == str(cert)
    return replace(found, timeout=10.0)


def test_one_message_goes_out_over_starttls_after_a_login(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    with tls_server(cert, key) as (port, got, logins):
        message_id = send_mail(
            _settings(port, cert), to="lena@example.org", subject="Crossed", body="Line one\n"
        )
    assert logins == [f"PLAIN {USER}"]  # smtplib prefers PLAIN of what the server offers
    assert len(got) == 1
    sent = got[0]
    assert sent["X-Was-TLS"] == "True"
    assert sent["X-Rcpt-To"] == "lena@example.org"
    assert sent["Message-ID"] == message_id and sent["From"] == "forecast@example.org"
    assert sent["Subject"] == "Crossed" and sent.get_payload().strip() == "Line one"
    assert sent.get_content_type() == "text/plain"


def _refused(certificate: tuple[Path, Path], match: str, **change: Any) -> None:
    """Send with the working settings changed: refused, and nothing logged in or delivered."""
    cert, key = certificate
    with tls_server(cert, key) as (port, got, logins), pytest.raises(MailFailed, match=match):
        settings = replace(_settings(port, cert), **change)
        send_mail(settings, to="a@example.org", subject="S", body="B")
    assert got == [] and logins == []


def test_a_certificate_nobody_vouches_for_is_refused(certificate: tuple[Path, Path]) -> None:
    _refused(certificate, "CERTIFICATE_VERIFY_FAILED", ca_file=None)


def test_a_wrong_password_is_refused(certificate: tuple[Path, Path]) -> None:
    _refused(certificate, "SMTPAuthenticationError", password="guess")


def test_without_starttls_the_server_takes_no_login_and_no_mail(
    certificate: tuple[Path, Path],
) -> None:
    # The server offers AUTH only over TLS: smtplib finds no AUTH to log in with.
    _refused(certificate, "SMTPNotSupportedError", starttls=False)
