"""The delivery log on the settings page: a given-up message offers "Send again", once."""

from __future__ import annotations

from flask import Flask

from forecast.infra.db import session_scope
from forecast.models import Role
from forecast.services.accounts.users import set_password
from tests.conftest import PASSWORD
from tests.integration.factories import World
from tests.integration.test_notification_outbox import outbox
from tests.integration.test_resend_deliveries import kill
from tests.web.test_pages import login


def test_the_owner_sends_a_dead_message_again_from_the_log(app: Flask) -> None:
    world = World(app)
    lea = world.user("lea", Role.LEADER)
    delivery_id, _, _ = kill(world, lea)
    with app.app_context(), session_scope() as session:
        set_password(session=session, user=lea, password=PASSWORD)
    client = app.test_client()
    login(client, "lea")
    page = client.get("/settings/notifications?page=1").data.decode()
    action = f'action="/settings/notifications/deliveries/{delivery_id}/resend"'
    # Twelve failed attempts of one message are listed; the button comes once, on the newest.
    assert page.count("(given up)") == 12 and page.count(action) == 1
    assert page.index(action) < page.index("(given up)", page.index("(given up)") + 1)
    sent = client.post(f"/settings/notifications/deliveries/{delivery_id}/resend")
    assert sent.status_code == 302 and sent.location.endswith(
        "/settings/notifications#delivery-log"
    )
    page = client.get(sent.location).data.decode()
    assert f"The webhook {delivery_id} is queued to be sent again." in page
    assert action not in page and page.count("(will retry)") == 12
    assert [m.status for m in outbox(world)] == ["pending"]
    again = client.post(f"/settings/notifications/deliveries/{delivery_id}/resend")
    page = client.get(again.location).data.decode()
    assert "Not sent again: this message is still being tried" in page
    assert client.post("/settings/notifications/deliveries/msg_nobody/resend").status_code == 404
