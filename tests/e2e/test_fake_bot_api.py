"""The fake Bot API is strict: a parameter its method does not define is refused, not misread."""

from __future__ import annotations

import httpx

from tests.support.fake_telegram import TOKEN, FakeTelegram


def test_an_unknown_parameter_is_a_bad_request(telegram: FakeTelegram) -> None:
    url = f"{telegram.base_url}{TOKEN}/sendMessage"
    response = httpx.post(url, data={"chat_id": "7", "text": "hi", "reply_to": "3"})
    assert response.status_code == 400
    assert response.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: unknown parameter reply_to",
    }
    (call,) = telegram.calls("sendMessage")
    assert not call.ok


def test_known_parameters_are_decoded_by_type(telegram: FakeTelegram) -> None:
    url = f"{telegram.base_url}{TOKEN}/sendMessage"
    data = {"chat_id": "7", "text": "hi", "reply_parameters": '{"message_id": 3}'}
    assert httpx.post(url, data=data).json()["ok"] is True
    (call,) = telegram.calls("sendMessage")
    assert call.params == {"chat_id": 7, "text": "hi", "reply_parameters": {"message_id": 3}}


def test_parameters_are_checked_per_method(telegram: FakeTelegram) -> None:
    # `text` belongs to sendMessage, not to sendChatAction.
    url = f"{telegram.base_url}{TOKEN}/sendChatAction"
    response = httpx.post(url, data={"chat_id": "7", "action": "typing", "text": "x"})
    assert response.json()["description"] == "Bad Request: unknown parameter text"
